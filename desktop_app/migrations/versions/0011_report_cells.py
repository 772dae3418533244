"""report cells: stage records in attribution order, each message's address key (issue 19)

The dashboard counts every stage record started in the period by (stage, responsible person,
responsible department, holder, operator) with its outcome. Without an index in that order SQLite
sorts every record of the period into a temporary B-tree (≈2 s for a year of 100,000 messages);
with this covering index it walks the records already grouped, reading no table row. Nothing to
backfill: the index is built from the existing records.

Repeat complaints by address (R2, R11) read the street address a text names: ``messages.address_key``
keeps it beside the text (the model sets it whenever the text is written), so the dashboard reads a
short key instead of parsing every text of the period. Existing messages are backfilled here with
the same function the model uses.

Revision ID: 0011
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from desktop_app.domain.addresses import address_key

revision = "0011"
down_revision = "0009"  # chained after main: 0008 → 0010 → 0009 merged first
branch_labels = None
depends_on = None

COLUMNS = [
    "stage",
    "responsible_user_id",
    "responsible_department_id",
    "holder",
    "operator_id",
    "outcome",
    "met",
    "started_at",
    "completed_at",
    "due_at",
]


def upgrade() -> None:
    with op.batch_alter_table("stage_deadlines", schema=None) as batch_op:
        batch_op.create_index("ix_stage_deadlines_cells", COLUMNS, unique=False)
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address_key", sa.Text(), nullable=True))
    _backfill_address_keys()


def _backfill_address_keys() -> None:
    """Every existing message gets the key its text names, in batches (no text held all at once)."""
    conn = op.get_bind()
    messages = sa.table("messages", sa.column("id", sa.Integer), sa.column("text", sa.Text),
                        sa.column("address_key", sa.Text))  # fmt: skip
    update = (
        sa.update(messages)
        .where(messages.c.id == sa.bindparam("mid"))
        .values(address_key=sa.bindparam("key"))
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(messages.c.id, messages.c.text)
            .where(messages.c.id > last)
            .order_by(messages.c.id)
            .limit(5000)
        ).all()
        if not rows:
            return
        keys = [{"mid": mid, "key": address_key(text or "")} for mid, text in rows]
        found = [k for k in keys if k["key"] is not None]
        if found:
            conn.execute(update, found)
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("address_key")
    with op.batch_alter_table("stage_deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_deadlines_cells")
