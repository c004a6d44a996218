"""The kitchen plan (PRODUCT 7.5): a per-plate portion and its unit on dishes, and the mess's waste target

Expand-only: plain nullable ADD COLUMNs. `portion` (integer, per plate) and `unit` ('g', 'ml' or 'pieces') on
menu_dish and menu_template_dish; `waste_target_grams` (grams of waste per plate the warden aims at) on mess.
The previous release never names them and keeps inserting rows that read as "no portion set" and "no target".
No table is re-created, so the roster triggers of 05 stay as they are.

Revision ID: 12_kitchen_portions
Revises: 11_allergens_takeaway
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "12_kitchen_portions"
down_revision: str | None = "11_allergens_takeaway"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DISH_TABLES = ("menu_dish", "menu_template_dish")


def upgrade() -> None:
    for table in DISH_TABLES:
        op.add_column(table, sa.Column("portion", sa.Integer(), nullable=True))
        op.add_column(table, sa.Column("unit", sa.String(length=8), nullable=True))
    op.add_column("mess", sa.Column("waste_target_grams", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("mess", "waste_target_grams")
    for table in DISH_TABLES:
        op.drop_column(table, "unit")
        op.drop_column(table, "portion")
