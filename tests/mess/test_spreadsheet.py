"""Every CSV the product writes is safe to open in a spreadsheet (CSV injection)."""

from __future__ import annotations

import csv
import io

from mess.kit.spreadsheet import csv_text, safe_cell


def test_formula_cells_are_prefixed_and_numbers_kept():
    cells = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "plain", -120, 0, None]
    assert [safe_cell(c) for c in cells] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        -120,
        0,
        "",
    ]
    rows = list(csv.reader(io.StringIO(csv_text(["name", "amount"], [["=cmd|' /C calc'!A0", -5]]))))
    assert rows == [["name", "amount"], ["'=cmd|' /C calc'!A0", "-5"]]
