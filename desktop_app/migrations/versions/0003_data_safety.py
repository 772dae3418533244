"""data safety: one open draft per message, login throttling, import staging (issue 14)

Revision ID: 0003
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0004"  # re-chained after main: 0004 (issue 13) merged first
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Before the unique index can exist, close the extra open drafts a past race left behind. Nothing
    # is deleted: the text stays on record in the closed draft; the oldest one stays open, as the
    # services always used the oldest.
    op.execute(
        "UPDATE drafts SET is_closed = true WHERE is_closed = false AND id NOT IN "
        "(SELECT min(id) FROM drafts WHERE is_closed = false GROUP BY message_id)"
    )
    op.create_index(
        "uq_drafts_one_open",
        "drafts",
        ["message_id"],
        unique=True,
        sqlite_where=sa.text("is_closed = 0"),
        postgresql_where=sa.text("is_closed = false"),
    )
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )


    op.create_table(
        "import_staging",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(length=40), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_staging")),
    )
    op.create_index(op.f("ix_import_staging_batch_id"), "import_staging", ["batch_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_import_staging_batch_id"), table_name="import_staging")
    op.drop_table("import_staging")
    op.drop_table("login_throttle")
    op.drop_index("uq_drafts_one_open", table_name="drafts")
