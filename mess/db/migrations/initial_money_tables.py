"""The initial schema's money tables: billing runs, bills and their lines, the ledger, adjustments and expenses.

Part of revision 0001_initial (versions/20261127_01_initial_schema.py), which creates them after every table their
foreign keys name; no other table names them. Kept apart so that neither file is a wall of generated DDL.
"""

import sqlalchemy as sa
from alembic import op

TABLES = ("billing_run", "expense", "adjustment", "bill", "bill_line", "ledger_entry")


def create() -> None:
    op.create_table(
        "billing_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mess_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("bill_count", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed')", name=op.f("ck_billing_run_status")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_billing_run_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(["mess_id"], ["mess.id"], name=op.f("fk_billing_run_mess_id_mess"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_run")),
    )
    with op.batch_alter_table("billing_run", schema=None) as batch_op:
        batch_op.create_index("ix_billing_run_mess_id_month", ["mess_id", "month"], unique=False)

    op.create_table(
        "expense",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mess_id", sa.Integer(), nullable=False),
        sa.Column("expense_date", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "category IN ('groceries', 'vegetables', 'dairy', 'fuel', 'wages', 'other')",
            name=op.f("ck_expense_category"),
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_expense_amount_non_negative")),
        sa.ForeignKeyConstraint(["created_by"], ["user_account.id"], name=op.f("fk_expense_created_by_user_account")),
        sa.ForeignKeyConstraint(["mess_id"], ["mess.id"], name=op.f("fk_expense_mess_id_mess"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expense")),
    )
    with op.batch_alter_table("expense", schema=None) as batch_op:
        batch_op.create_index("ix_expense_mess_id_expense_date", ["mess_id", "expense_date"], unique=False)

    op.create_table(
        "adjustment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mess_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("adjustment_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_adjustment_amount_non_zero")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_adjustment_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(["mess_id"], ["mess.id"], name=op.f("fk_adjustment_mess_id_mess"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_adjustment_resident_id_resident"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustment")),
    )
    with op.batch_alter_table("adjustment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_adjustment_resident_id_adjustment_date", ["resident_id", "adjustment_date"], unique=False
        )

    op.create_table(
        "bill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mess_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'issued')", name=op.f("ck_bill_status")),
        sa.ForeignKeyConstraint(["mess_id"], ["mess.id"], name=op.f("fk_bill_mess_id_mess"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_bill_resident_id_resident"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["billing_run.id"], name=op.f("fk_bill_run_id_billing_run"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill")),
        sa.UniqueConstraint("resident_id", "month", name=op.f("uq_bill_resident_id_month")),
    )
    with op.batch_alter_table("bill", schema=None) as batch_op:
        batch_op.create_index("ix_bill_mess_id_month", ["mess_id", "month"], unique=False)

    op.create_table(
        "bill_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["bill_id"], ["bill.id"], name=op.f("fk_bill_line_bill_id_bill"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["extra_item.id"], name=op.f("fk_bill_line_item_id_extra_item")),
        sa.ForeignKeyConstraint(["slot_id"], ["slot.id"], name=op.f("fk_bill_line_slot_id_slot")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_line")),
    )
    with op.batch_alter_table("bill_line", schema=None) as batch_op:
        batch_op.create_index("ix_bill_line_bill_id", ["bill_id"], unique=False)

    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mess_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('bill', 'payment', 'refund')", name=op.f("ck_ledger_entry_kind")),
        sa.ForeignKeyConstraint(["bill_id"], ["bill.id"], name=op.f("fk_ledger_entry_bill_id_bill")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_ledger_entry_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["mess_id"], ["mess.id"], name=op.f("fk_ledger_entry_mess_id_mess"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_ledger_entry_resident_id_resident"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
        sa.UniqueConstraint("bill_id", name=op.f("uq_ledger_entry_bill_id")),
    )
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_entry_resident_id_entry_date", ["resident_id", "entry_date"], unique=False)


def drop() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
