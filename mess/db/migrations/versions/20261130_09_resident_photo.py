"""Residents' photos for the counter (PRODUCT 7.4): a new table, one re-encoded JPEG per resident

Expand-only: a new table the previous release never reads.

Revision ID: 09_resident_photo
Revises: 08_extra_purchase_void
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "09_resident_photo"
down_revision: str | None = "08_extra_purchase_void"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "resident_photo",
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_resident_photo_resident_id_resident"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("resident_id", name=op.f("pk_resident_photo")),
    )


def downgrade() -> None:
    op.drop_table("resident_photo")
