"""Leaves can be withdrawn and carry the warden's note (PRODUCT 7.3)

Expand-only: a nullable `note` column, and the status CHECK widened with 'withdrawn' (the previous release never
writes it and reads such a leave as not pending and not approved, which is what it is). PostgreSQL swaps the
constraint in place; SQLite re-creates the table in batch mode, which drops leave's roster triggers of 05 and its
partial index: both are created again here (tests/mess/test_headcount_cache.py fails otherwise).

Revision ID: 10_leave_withdraw_note
Revises: 09_resident_photo
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "10_leave_withdraw_note"
down_revision: str | None = "09_resident_photo"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WIDE = "status IN ('pending', 'approved', 'rejected', 'withdrawn')"
NARROW = "status IN ('pending', 'approved', 'rejected')"
# Fixed DDL written out in full (the same text as 05's SQLite triggers on leave).
SQLITE_LEAVE_TRIGGERS = [
    "CREATE TRIGGER leave_roster_insert AFTER INSERT ON leave WHEN NEW.status = 'approved' BEGIN "
    "UPDATE mess SET roster_version = lower(hex(randomblob(16))) WHERE id = NEW.mess_id; END",
    "CREATE TRIGGER leave_roster_update AFTER UPDATE ON leave "
    "WHEN (OLD.status = 'approved' OR NEW.status = 'approved') AND (OLD.mess_id IS NOT NEW.mess_id "
    "OR OLD.resident_id IS NOT NEW.resident_id OR OLD.start_date IS NOT NEW.start_date "
    "OR OLD.end_date IS NOT NEW.end_date OR OLD.status IS NOT NEW.status) BEGIN "
    "UPDATE mess SET roster_version = lower(hex(randomblob(16))) WHERE id IN (OLD.mess_id, NEW.mess_id); END",
    "CREATE TRIGGER leave_roster_delete AFTER DELETE ON leave WHEN OLD.status = 'approved' BEGIN "
    "UPDATE mess SET roster_version = lower(hex(randomblob(16))) WHERE id = OLD.mess_id; END",
]
SQLITE_LEAVE_DROPS = [
    "DROP TRIGGER IF EXISTS leave_roster_insert",
    "DROP TRIGGER IF EXISTS leave_roster_update",
    "DROP TRIGGER IF EXISTS leave_roster_delete",
]
APPROVED = "status = 'approved'"


def _status_check(condition: str, *, drop_note: bool = False) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_leave_status"), "leave", type_="check")
        op.create_check_constraint(op.f("ck_leave_status"), "leave", condition)
        if drop_note:
            op.drop_column("leave", "note")
        return
    for statement in SQLITE_LEAVE_DROPS:
        op.execute(statement)
    op.drop_index("ix_leave_approved_mess_id_end_date", table_name="leave", sqlite_where=sa.text(APPROVED))
    with op.batch_alter_table("leave", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_leave_status"), type_="check")
        batch.create_check_constraint(op.f("ck_leave_status"), condition)
        if drop_note:
            batch.drop_column("note")
    op.create_index(
        "ix_leave_approved_mess_id_end_date",
        "leave",
        ["mess_id", "end_date", "start_date", "resident_id"],
        sqlite_where=sa.text(APPROVED),
    )
    for statement in SQLITE_LEAVE_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    op.add_column("leave", sa.Column("note", sa.Text(), nullable=True))
    _status_check(WIDE)


def downgrade() -> None:
    op.execute("UPDATE leave SET status = 'rejected' WHERE status = 'withdrawn'")
    _status_check(NARROW, drop_note=True)
