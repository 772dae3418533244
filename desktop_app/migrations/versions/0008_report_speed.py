"""report speed: open stages by due instant, stage records by kind and start (issue 19)

«Overdue now» asks for the open stage records past due: without an index on the open records that
is a scan of every stage record (the month's dashboard grew with the table, not the period). The
8-hour clocks of a period are one kind of stage record by start: (stage, started_at) reads only those
instead of every record started in the period.

Revision ID: 0008
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op


revision = "0008"
down_revision = "0005"  # chained after main: 0002 → 0005 merged first
branch_labels = None
depends_on = None

_OPEN = sa.text("completed_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("stage_deadlines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stage_deadlines_open_due",
            ["due_at"],
            unique=False,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )
        batch_op.create_index("ix_stage_deadlines_stage_started", ["stage", "started_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stage_deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_deadlines_stage_started")
        batch_op.drop_index("ix_stage_deadlines_open_due")
