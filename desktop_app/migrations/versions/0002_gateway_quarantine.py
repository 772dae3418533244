"""gateway: intake quarantine, cursor as text, explicit refusal code of an outbox item (issue 12)

Revision ID: 0002
Revises: 0003
Create Date: 2026-12-01 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0006"  # chain in landing order: 0001 → 0004 → 0003 → 0006 → 0002
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=200), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_tried_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_intake_quarantine_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_intake_quarantine_resolved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_quarantine")),
    )
    op.create_index("ix_intake_quarantine_open", "intake_quarantine", ["status", "item_id"], unique=False)
    op.create_index(op.f("ix_intake_quarantine_parent_id"), "intake_quarantine", ["parent_id"], unique=False)
    # A 300-character cursor must fit on PostgreSQL too: the feed's cursor is opaque.
    with op.batch_alter_table("sync_state") as batch:
        batch.alter_column(
            "cursor", existing_type=sa.String(length=200), type_=sa.Text(), existing_nullable=False
        )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("refusal_code", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("refusal_code")
    with op.batch_alter_table("sync_state") as batch:
        batch.alter_column(
            "cursor", existing_type=sa.Text(), type_=sa.String(length=200), existing_nullable=False
        )
    op.drop_index(op.f("ix_intake_quarantine_parent_id"), table_name="intake_quarantine")
    op.drop_index("ix_intake_quarantine_open", table_name="intake_quarantine")
    op.drop_table("intake_quarantine")
