"""lifecycle paths: stage attribution, «автор дописал», post text versions (issue 13)

Revision ID: 0004
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stage_deadlines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("holder", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("operator_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_stage_deadlines_operator_id_users"), "users", ["operator_id"], ["id"]
        )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author_added_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "post_text_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("thread_entry_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_post_text_versions_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["thread_entry_id"],
            ["thread_entries.id"],
            name=op.f("fk_post_text_versions_thread_entry_id_thread_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_text_versions")),
    )
    with op.batch_alter_table("post_text_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_text_versions_message_id"), ["message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("post_text_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_text_versions_message_id"))
    op.drop_table("post_text_versions")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("author_added_at")
    with op.batch_alter_table("stage_deadlines", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_stage_deadlines_operator_id_users"), type_="foreignkey")
        batch_op.drop_column("operator_id")
        batch_op.drop_column("holder")
        batch_op.drop_column("outcome")
