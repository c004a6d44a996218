"""resident: partial index of the residents who avoid an allergen, per mess

The headcount's allergen counts (mess/allergens/repository.py) read, on every request, the mess's residents who
avoid something with their booking of the meal. Without an index that was a scan of every resident of the mess
(about 2 ms of PostgreSQL at 10,000 residents, whether or not anyone avoids anything); with (mess_id) WHERE
allergens <> '' it reads only those residents. The statements write the predicate as the same literal, so the
planner (PostgreSQL's generic plans included, and SQLite) can use the index.

Expand-only: one new index; the previous release never names it. No table is re-created (a plain CREATE INDEX,
not a batch operation), so the roster triggers of 05 stay as they are.

Revision ID: 14_resident_allergic_index
Revises: 13_notifications
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "14_resident_allergic_index"
down_revision: str | None = "13_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALLERGIC = "allergens <> ''"  # as mess.models.people.ALLERGIC (a migration does not import the models)


def upgrade() -> None:
    op.create_index(
        "ix_resident_allergic_mess_id",
        "resident",
        ["mess_id"],
        unique=False,
        sqlite_where=sa.text(ALLERGIC),
        postgresql_where=sa.text(ALLERGIC),
    )


def downgrade() -> None:
    op.drop_index("ix_resident_allergic_mess_id", table_name="resident")
