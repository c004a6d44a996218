"""Logins and roll numbers unique ignoring case; residents' room and phone

A unique index on lower(login) and on lower(roll_no) (both backends support expression indexes), so the database
itself refuses "r0004" beside "R0004". Existing data that already collides makes the migration stop before it
changes anything, naming the rows, so an operator can rename them first; nothing is merged silently.

room and phone are new nullable columns (expand-only: the previous release ignores them). On SQLite they are
added with a plain ALTER TABLE ADD COLUMN (no table re-creation, so the roster triggers of 05 survive).

Revision ID: 06_case_insensitive_logins
Revises: 05_headcount_roster_version
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "06_case_insensitive_logins"
down_revision: str | None = "05_headcount_roster_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, what a person calls it): fixed names, nothing from outside.
UNIQUE_LOWER = [
    ("user_account", "login", "login", "uq_user_account_login_lower"),
    ("resident", "roll_no", "roll number", "uq_resident_roll_no_lower"),
]


class CollidingRows(RuntimeError):
    """Existing rows that differ only in case: the unique index cannot be built until someone renames them."""


def _collisions(table: str, column: str) -> list[tuple[int, str]]:
    query = sa.text(
        f"SELECT id, {column} FROM {table} WHERE lower({column}) IN "  # nosec B608 - fixed names above
        f"(SELECT lower({column}) FROM {table} GROUP BY lower({column}) HAVING count(*) > 1) "
        f"ORDER BY lower({column}), id"
    )
    return [(int(row[0]), str(row[1])) for row in op.get_bind().execute(query)]


def upgrade() -> None:
    problems = []
    for table, column, human, _ in UNIQUE_LOWER:
        rows = _collisions(table, column)
        if rows:
            listed = ", ".join(f"{value!r} (id {row_id})" for row_id, value in rows)
            problems.append(f"{table}: these {human}s differ only in upper/lower case: {listed}")
    if problems:
        raise CollidingRows(
            "cannot make logins and roll numbers case-insensitive: rename all but one of each group, then run "
            "the migration again. " + "; ".join(problems)
        )
    for table, column, _, name in UNIQUE_LOWER:
        op.create_index(name, table, [sa.text(f"lower({column})")], unique=True)
    op.add_column("resident", sa.Column("room", sa.String(length=32), nullable=True))
    op.add_column("resident", sa.Column("phone", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("resident", "phone")  # SQLite 3.35+ drops a column in place
    op.drop_column("resident", "room")
    for table, _, _, name in UNIQUE_LOWER:
        op.drop_index(name, table_name=table)
