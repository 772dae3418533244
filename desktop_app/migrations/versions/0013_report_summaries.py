"""report summaries: per-day facts of the supervisor's dashboard, kept on write (issue 19)

The dashboard sums a few hundred rows per period instead of reading every message and clock. The
tables start empty and without a state row: the services build them on first use (the build needs
the working calendar, which a migration must not import) and keep them in each write's transaction.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_message_facts",
        sa.Column("message_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("arrived_us", sa.BigInteger(), nullable=False),
        sa.Column("author_key", sa.Text(), nullable=False),
        sa.Column("address_key", sa.Text(), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_report_message_facts")),
    )
    with op.batch_alter_table("report_message_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_facts_author", ["author_key", "arrived_us", "message_id"], unique=False
        )
        batch_op.create_index(
            "ix_report_facts_address", ["address_key", "arrived_us", "message_id"], unique=False
        )
    counts = ("received", "needing", "routed", "submitted", "interim", "redirected", "answered", "rework",
              "repeat_author", "repeat_address")  # fmt: skip
    op.create_table(
        "report_message_days",
        sa.Column("span", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("department_id", sa.Integer(), autoincrement=False, nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in counts),
        sa.PrimaryKeyConstraint(
            "span", "day", "platform", "channel", "department_id", name=op.f("pk_report_message_days")
        ),
    )
    op.create_table(
        "report_stage_days",
        sa.Column("span", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("department_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("holder", sa.String(length=16), nullable=False),
        sa.Column("operator_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "span",
            "day",
            "stage",
            "user_id",
            "department_id",
            "holder",
            "operator_id",
            "status",
            name=op.f("pk_report_stage_days"),
        ),  # fmt: skip
    )
    op.create_table(
        "report_clock_days",
        sa.Column("span", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("department_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("seconds", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "span",
            "day",
            "platform",
            "channel",
            "department_id",
            "status",
            "seconds",
            name=op.f("pk_report_clock_days"),
        ),
    )
    # The period's open stage records are read live (the summaries hold the closed ones).
    with op.batch_alter_table("stage_deadlines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stage_deadlines_open_started",
            ["started_at"],
            unique=False,
            sqlite_where=sa.text("completed_at IS NULL"),
            postgresql_where=sa.text("completed_at IS NULL"),
        )
    op.create_table(
        "report_summary_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dirty_from", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_summary_state")),
    )


def downgrade() -> None:
    op.drop_table("report_summary_state")
    with op.batch_alter_table("stage_deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_deadlines_open_started")
    op.drop_table("report_clock_days")
    op.drop_table("report_stage_days")
    op.drop_table("report_message_days")
    with op.batch_alter_table("report_message_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_report_facts_address")
        batch_op.drop_index("ix_report_facts_author")
    op.drop_table("report_message_facts")
