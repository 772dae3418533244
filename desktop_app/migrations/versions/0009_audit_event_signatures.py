"""audit event signatures: each event carries its own HMAC; older events are legacy up to a boundary (issue 14)

The chain's signed head (the checkpoint) shows truncation, but an event forged straight into the table
with a correct chain hash became part of the head as soon as the app's next action re-signed it. From
this revision every event the app writes carries ``signature`` (HMAC-SHA-256 under the key in the
settings directory over the event's canonical content, which includes the previous hash), written
in the same INSERT. Events already in the table stay unsigned: the last of them is recorded here as
``audit_legacy_last_id`` and sealed into the signed checkpoint by the app's first start, so an
unsigned event after it is reported as forged.

Revision ID: 0009
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0010"  # chained after main: 0008 → 0010 merged first
branch_labels = None
depends_on = None

LEGACY_KEY = "audit_legacy_last_id"


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch copy: re-creating the table on SQLite would drop its triggers.
    op.add_column("audit_events", sa.Column("signature", sa.String(length=64), nullable=True))
    last_id = op.get_bind().scalar(sa.text("SELECT MAX(id) FROM audit_events")) or 0
    settings = sa.table("app_settings", sa.column("key", sa.String), sa.column("value", sa.JSON))
    op.execute(settings.delete().where(settings.c.key == LEGACY_KEY))
    op.bulk_insert(settings, [{"key": LEGACY_KEY, "value": int(last_id)}])


def downgrade() -> None:
    settings = sa.table("app_settings", sa.column("key", sa.String))
    op.execute(settings.delete().where(settings.c.key == LEGACY_KEY))
    op.drop_column("audit_events", "signature")
