"""Allergens on residents and dishes, takeaway on bookings (PRODUCT 7.3)

Expand-only: four plain ADD COLUMNs with server defaults ('' = no allergens; takeaway false), so the previous
release, which never names them, keeps inserting rows that read as "no allergens" and "eat in". No table is
re-created, so the roster triggers of 05 stay as they are. The allergen list is checked by the application
(mess.kit.allergens), not by a CHECK: the column holds a set, written only through AllergenList.

Revision ID: 11_allergens_takeaway
Revises: 10_leave_withdraw_note
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "11_allergens_takeaway"
down_revision: str | None = "10_leave_withdraw_note"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALLERGEN_TABLES = ("resident", "menu_dish", "menu_template_dish")


def upgrade() -> None:
    for table in ALLERGEN_TABLES:
        op.add_column(table, sa.Column("allergens", sa.String(length=120), server_default="", nullable=False))
    op.add_column("booking", sa.Column("takeaway", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+ too): no table is re-created, so no trigger of 05 is lost.
    op.drop_column("booking", "takeaway")
    for table in ALLERGEN_TABLES:
        op.drop_column(table, "allergens")
