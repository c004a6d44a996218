"""Money that can be corrected (PRODUCT 7.2): payment method, reference unique per mess ignoring case, reversals;
bills' due date; the mess's payment_due_days, UPI VPA and payee name

Expand-only: new columns are nullable or defaulted, the ledger's kind CHECK only widens (adds 'reversal'), so the
previous release runs on the new schema. A reversal names its payment in reverses_id, unique: two reversals of
one payment cannot both be stored, whatever the timing. Payment references that already repeat (ignoring case)
stop the migration before it changes anything, naming the entries, so an operator can tell them apart first.

On SQLite the ledger_entry table is re-created (batch mode) to change its CHECK; it carries no triggers. The mess
and bill columns are plain ALTER TABLE ADD COLUMN, so the roster triggers of 05 are untouched.

Revision ID: 07_money_corrections
Revises: 06_case_insensitive_logins
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "07_money_corrections"
down_revision: str | None = "06_case_insensitive_logins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFERENCED_PAYMENT = "kind = 'payment' AND reference <> ''"


class RepeatedReferences(RuntimeError):
    """Payments of one mess that share a reference (ignoring case): the unique index cannot be built yet."""


def _repeated() -> list[tuple[int, int, str]]:
    query = sa.text(
        "SELECT e.id, e.mess_id, e.reference FROM ledger_entry e JOIN ("  # nosec B608 - fixed fragments, no input
        "  SELECT mess_id, lower(reference) AS ref FROM ledger_entry"
        f"  WHERE {REFERENCED_PAYMENT} GROUP BY mess_id, lower(reference) HAVING count(*) > 1"
        ") d ON d.mess_id = e.mess_id AND d.ref = lower(e.reference) "
        f"WHERE e.{REFERENCED_PAYMENT.replace(' AND ', ' AND e.')} ORDER BY e.mess_id, lower(e.reference), e.id"
    )
    return [(int(r[0]), int(r[1]), str(r[2])) for r in op.get_bind().execute(query)]


def upgrade() -> None:
    repeated = _repeated()
    if repeated:
        listed = ", ".join(f"{ref!r} (entry {entry_id}, mess {mess_id})" for entry_id, mess_id, ref in repeated)
        raise RepeatedReferences(
            "payment references must be unique per mess ignoring case; these repeat: "
            f"{listed}. Change all but one of each group (e.g. add a suffix), then run the migration again."
        )
    op.add_column("mess", sa.Column("payment_due_days", sa.Integer(), server_default="10", nullable=False))
    op.add_column("mess", sa.Column("upi_vpa", sa.String(length=255), nullable=True))
    op.add_column("mess", sa.Column("payee_name", sa.String(length=120), nullable=True))
    op.add_column("bill", sa.Column("due_date", sa.Date(), nullable=True))
    with warnings.catch_warnings():
        # SQLite batch mode reflects the tables ledger_entry refers to; their lower() indexes (06) are not needed.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        _widen_ledger_entry()
    op.create_index(
        "uq_ledger_entry_payment_reference",
        "ledger_entry",
        ["mess_id", sa.text("lower(reference)")],
        unique=True,
        sqlite_where=sa.text(REFERENCED_PAYMENT),
        postgresql_where=sa.text(REFERENCED_PAYMENT),
    )


def _widen_ledger_entry() -> None:
    with op.batch_alter_table("ledger_entry", recreate="auto") as batch:
        batch.add_column(sa.Column("method", sa.String(length=8), server_default="cash", nullable=False))
        batch.add_column(sa.Column("reverses_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reason", sa.Text(), server_default="", nullable=False))
        batch.drop_constraint(op.f("ck_ledger_entry_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_ledger_entry_kind"), "kind IN ('bill', 'payment', 'refund', 'reversal')")
        batch.create_check_constraint(
            op.f("ck_ledger_entry_method"), "method IN ('cash', 'upi', 'bank', 'card', 'other')"
        )
        batch.create_foreign_key(
            op.f("fk_ledger_entry_reverses_id_ledger_entry"), "ledger_entry", ["reverses_id"], ["id"]
        )
        batch.create_unique_constraint(op.f("uq_ledger_entry_reverses_id"), ["reverses_id"])
        batch.create_index("ix_ledger_entry_mess_id_entry_date", ["mess_id", "entry_date"])


def downgrade() -> None:
    op.drop_index("uq_ledger_entry_payment_reference", table_name="ledger_entry")
    with op.batch_alter_table("ledger_entry", recreate="auto") as batch:
        batch.drop_index("ix_ledger_entry_mess_id_entry_date")
        batch.drop_constraint(op.f("uq_ledger_entry_reverses_id"), type_="unique")
        batch.drop_constraint(op.f("fk_ledger_entry_reverses_id_ledger_entry"), type_="foreignkey")
        batch.drop_constraint(op.f("ck_ledger_entry_method"), type_="check")
        batch.drop_constraint(op.f("ck_ledger_entry_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_ledger_entry_kind"), "kind IN ('bill', 'payment', 'refund')")
        batch.drop_column("reason")
        batch.drop_column("reverses_id")
        batch.drop_column("method")
    op.drop_column("bill", "due_date")
    op.drop_column("mess", "payee_name")
    op.drop_column("mess", "upi_vpa")
    op.drop_column("mess", "payment_due_days")
