"""report indexes: stage records by start and by message and stage (issue 19)

The supervisor's dashboard selects stage records by when they started and asks, per message,
whether a stage of a kind exists; without these every report scans the whole table.

Revision ID: 0006
Revises: 0003
"""

from alembic import op


revision = "0006"
down_revision = "0003"  # re-chained after main: 0004 (issue 13) and 0003 (issue 14) merged first
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stage_deadlines", schema=None) as batch_op:
        batch_op.create_index("ix_stage_deadlines_started", ["started_at"], unique=False)
        batch_op.create_index(
            "ix_stage_deadlines_message_stage", ["message_id", "stage", "completed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("stage_deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_deadlines_message_stage")
        batch_op.drop_index("ix_stage_deadlines_started")
