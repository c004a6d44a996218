"""billing_run.amount as BIGINT: a mess of 10,000 residents bills more than 2^31 paise a month

Revision ID: 04_billing_run_amount_bigint
Revises: 03_checkin_admitted_index
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "04_billing_run_amount_bigint"
down_revision: str | None = "03_checkin_admitted_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("billing_run", schema=None) as batch_op:
        batch_op.alter_column("amount", existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("billing_run", schema=None) as batch_op:
        batch_op.alter_column("amount", existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False)
