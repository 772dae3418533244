"""change feed, presence and queue indexes (issue 17)

Revision ID: 0005
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0002"  # chain in landing order: 0001 → 0004 → 0003 → 0006 → 0002 → 0005
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_log_changed_at"), ["changed_at"], unique=False)
    op.create_table(
        "presence",
        sa.Column("workstation", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("activity", sa.String(length=20), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workstation", "message_id", name=op.f("pk_presence")),
    )
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_presence_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_presence_seen_at"), ["seen_at"], unique=False)
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_messages_queue_order",
            ["state", "stage_due_at", "arrived_at", "overall_closed_at", "overall_due_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_messages_department_queue",
            ["department_id", "state", "stage_due_at", "overall_closed_at", "overall_due_at"],
            unique=False,
        )
        batch_op.create_index("ix_messages_order", ["stage_due_at", "arrived_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_order")
        batch_op.drop_index("ix_messages_department_queue")
        batch_op.drop_index("ix_messages_queue_order")
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presence_seen_at"))
        batch_op.drop_index(batch_op.f("ix_presence_message_id"))
    op.drop_table("presence")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_log_changed_at"))
    op.drop_table("change_log")
