"""incident groups: similar messages an operator links as one incident (issue 18)

A message belongs to at most one group: ``incident_links.message_id`` is the primary key, so the
database refuses a second membership even when two workstations link at the same moment.

Revision ID: 0010
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_incident_groups_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_groups")),
    )
    op.create_table(
        "incident_links",
        sa.Column("message_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["incident_groups.id"], name=op.f("fk_incident_links_group_id_incident_groups")
        ),
        sa.ForeignKeyConstraint(
            ["linked_by_id"], ["users.id"], name=op.f("fk_incident_links_linked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_incident_links_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_incident_links")),
    )
    with op.batch_alter_table("incident_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_links_group_id"), ["group_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incident_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_links_group_id"))
    op.drop_table("incident_links")
    op.drop_table("incident_groups")
