"""queue count deltas: each change-log row says which queues its message left and entered (issue 17)

A workstation keeps its queue counts by applying each logged change's delta instead of re-counting
100,000 messages on every change: the row carries the message's counting key (state, department,
the earliest open deadline) before and after the transaction. The index on the overall (R3, 8-hour)
deadline lets «Просроченные» be advanced by the messages whose deadline passed since the last count
(a range read) instead of a scan of every open message.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"  # chained after main: 0008 → 0010 → 0009 → 0011 merged first
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("old_state", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("old_department_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("old_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("new_state", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("new_department_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("new_due_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_overall_due", ["overall_due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_overall_due")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_column("new_due_at")
        batch_op.drop_column("new_department_id")
        batch_op.drop_column("new_state")
        batch_op.drop_column("old_due_at")
        batch_op.drop_column("old_department_id")
        batch_op.drop_column("old_state")
