"""Extras can be voided (PRODUCT 7.4): when, by whom and why, on the sale itself

Expand-only: three nullable columns; the previous release ignores them (it would still bill a voided sale, which
is why a void is refused once the month is issued, and the release that bills without them ships with this one).
Plain ALTER TABLE ADD COLUMN on both backends, so SQLite's roster triggers of 05 are untouched.

Revision ID: 08_extra_purchase_void
Revises: 07_money_corrections
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "08_extra_purchase_void"
down_revision: str | None = "07_money_corrections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("extra_purchase", sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("extra_purchase", sa.Column("voided_by", sa.Integer(), nullable=True))
    op.add_column("extra_purchase", sa.Column("void_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("extra_purchase") as batch:
        batch.drop_column("void_reason")
        batch.drop_column("voided_by")
        batch.drop_column("voided_at")
