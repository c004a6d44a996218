"""mess.roster_version, bumped by triggers on every change to residents or approved leaves; leave index by end date

The live headcount keeps, per process, the residents and residents on approved leave of a (mess, day) counted by
diet, and reuses them while mess.roster_version is unchanged; per request only the meal's bookings are counted
(mess.headcount). The version is a random token, never a counter, so a rolled-back or re-created state can never
match a version cached earlier. It is bumped by triggers, in the same transaction as the change, whatever code
or tool writes the rows (services, bulk COPY of the seed, factories, hand-written SQL):

- resident: INSERT, DELETE, an UPDATE of mess_id / diet / active_from / active_to, TRUNCATE (PostgreSQL);
- leave: INSERT or DELETE of an approved leave, an UPDATE where the old or the new row is approved and the
  mess, resident, dates or status change, TRUNCATE (PostgreSQL).

PostgreSQL uses statement-level triggers with transition tables (one UPDATE of the mess rows per statement, so a
COPY of 10,000 residents bumps once); SQLite uses row-level triggers. A batch migration that re-creates resident
or leave on SQLite drops their triggers: create them again there (tests/mess/test_headcount_cache.py fails
otherwise).

ix_leave_approved_mess_id_end_date lets "approved leaves covering day D" read only the leaves ending on or after
D instead of every approved leave the mess ever had.

Revision ID: 05_headcount_roster_version
Revises: 04_billing_run_amount_bigint
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "05_headcount_roster_version"
down_revision: str | None = "04_billing_run_amount_bigint"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The SQL below is written out in full (no formatting): fixed DDL, nothing from outside. A new version is
# replace(gen_random_uuid()::text, '-', '') on PostgreSQL and lower(hex(randomblob(16))) on SQLite.
PG_FILL = "UPDATE mess SET roster_version = replace(gen_random_uuid()::text, '-', '')"
SQLITE_FILL = "UPDATE mess SET roster_version = lower(hex(randomblob(16)))"

PG_FUNCTIONS = [
    """
CREATE FUNCTION resident_roster_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE mess SET roster_version = replace(gen_random_uuid()::text, '-', '')
        WHERE id IN (SELECT mess_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE mess SET roster_version = replace(gen_random_uuid()::text, '-', '')
        WHERE id IN (SELECT mess_id FROM old_rows);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE mess SET roster_version = replace(gen_random_uuid()::text, '-', '') WHERE id IN (
            SELECT unnest(ARRAY[o.mess_id, n.mess_id]) FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.mess_id, o.diet, o.active_from, o.active_to)
                IS DISTINCT FROM (n.mess_id, n.diet, n.active_from, n.active_to)
        );
    ELSE  -- TRUNCATE: no rows to look at, every mess
        UPDATE mess SET roster_version = replace(gen_random_uuid()::text, '-', '');
    END IF;
    RETURN NULL;
END
$$
""",
    """
CREATE FUNCTION leave_roster_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE mess SET roster_version = replace(gen_random_uuid()::text, '-', '')
        WHERE id IN (SELECT mess_id FROM new_rows WHERE status = 'approved');
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE mess SET roster_version = replace(gen_random_uuid()::text, '-', '')
        WHERE id IN (SELECT mess_id FROM old_rows WHERE status = 'approved');
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE mess SET roster_version = replace(gen_random_uuid()::text, '-', '') WHERE id IN (
            SELECT unnest(ARRAY[o.mess_id, n.mess_id]) FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.status = 'approved' OR n.status = 'approved')
              AND (o.mess_id, o.resident_id, o.start_date, o.end_date, o.status)
                IS DISTINCT FROM (n.mess_id, n.resident_id, n.start_date, n.end_date, n.status)
        );
    ELSE  -- TRUNCATE: no rows to look at, every mess
        UPDATE mess SET roster_version = replace(gen_random_uuid()::text, '-', '');
    END IF;
    RETURN NULL;
END
$$
""",
]

PG_TRIGGERS = [
    "CREATE TRIGGER resident_roster_insert AFTER INSERT ON resident REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION resident_roster_changed()",
    "CREATE TRIGGER resident_roster_update AFTER UPDATE ON resident "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION resident_roster_changed()",
    "CREATE TRIGGER resident_roster_delete AFTER DELETE ON resident REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION resident_roster_changed()",
    "CREATE TRIGGER resident_roster_truncate AFTER TRUNCATE ON resident "
    "FOR EACH STATEMENT EXECUTE FUNCTION resident_roster_changed()",
    "CREATE TRIGGER leave_roster_insert AFTER INSERT ON leave REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION leave_roster_changed()",
    "CREATE TRIGGER leave_roster_update AFTER UPDATE ON leave "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION leave_roster_changed()",
    "CREATE TRIGGER leave_roster_delete AFTER DELETE ON leave REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION leave_roster_changed()",
    "CREATE TRIGGER leave_roster_truncate AFTER TRUNCATE ON leave "
    "FOR EACH STATEMENT EXECUTE FUNCTION leave_roster_changed()",
]

SQLITE_TRIGGERS = [
    "CREATE TRIGGER resident_roster_insert AFTER INSERT ON resident BEGIN "
    "UPDATE mess SET roster_version = lower(hex(randomblob(16))) WHERE id = NEW.mess_id; END",
    "CREATE TRIGGER resident_roster_update AFTER UPDATE OF mess_id, diet, active_from, active_to ON resident "
    "WHEN OLD.mess_id IS NOT NEW.mess_id OR OLD.diet IS NOT NEW.diet OR OLD.active_from IS NOT NEW.active_from "
    "OR OLD.active_to IS NOT NEW.active_to BEGIN "
    "UPDATE mess SET roster_version = lower(hex(randomblob(16))) WHERE id IN (OLD.mess_id, NEW.mess_id); END",
    "CREATE TRIGGER resident_roster_delete AFTER DELETE ON resident BEGIN "
    "UPDATE mess SET roster_version = lower(hex(randomblob(16))) WHERE id = OLD.mess_id; END",
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
PG_DROPS = [
    "DROP TRIGGER IF EXISTS resident_roster_insert ON resident",
    "DROP TRIGGER IF EXISTS resident_roster_update ON resident",
    "DROP TRIGGER IF EXISTS resident_roster_delete ON resident",
    "DROP TRIGGER IF EXISTS resident_roster_truncate ON resident",
    "DROP TRIGGER IF EXISTS leave_roster_insert ON leave",
    "DROP TRIGGER IF EXISTS leave_roster_update ON leave",
    "DROP TRIGGER IF EXISTS leave_roster_delete ON leave",
    "DROP TRIGGER IF EXISTS leave_roster_truncate ON leave",
    "DROP FUNCTION IF EXISTS resident_roster_changed()",
    "DROP FUNCTION IF EXISTS leave_roster_changed()",
]
SQLITE_DROPS = [
    "DROP TRIGGER IF EXISTS resident_roster_insert",
    "DROP TRIGGER IF EXISTS resident_roster_update",
    "DROP TRIGGER IF EXISTS resident_roster_delete",
    "DROP TRIGGER IF EXISTS leave_roster_insert",
    "DROP TRIGGER IF EXISTS leave_roster_update",
    "DROP TRIGGER IF EXISTS leave_roster_delete",
]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("mess", schema=None) as batch_op:
        batch_op.add_column(sa.Column("roster_version", sa.String(length=32), server_default="", nullable=False))
    op.execute(PG_FILL if postgres else SQLITE_FILL)
    with op.batch_alter_table("leave", schema=None) as batch_op:
        batch_op.create_index(
            "ix_leave_approved_mess_id_end_date",
            ["mess_id", "end_date", "start_date", "resident_id"],
            unique=False,
            sqlite_where=sa.text("status = 'approved'"),
            postgresql_where=sa.text("status = 'approved'"),
        )
    for statement in PG_FUNCTIONS + PG_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in PG_DROPS if postgres else SQLITE_DROPS:
        op.execute(statement)
    with op.batch_alter_table("leave", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_leave_approved_mess_id_end_date",
            sqlite_where=sa.text("status = 'approved'"),
            postgresql_where=sa.text("status = 'approved'"),
        )
    with op.batch_alter_table("mess", schema=None) as batch_op:
        batch_op.drop_column("roster_version")
