"""chat channels: numbered choices shown, the inbox of inbound messages, rate-limit counters

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 03:23:39.450743
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_inbox",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("channel", "key", name=op.f("pk_channel_inbox")),
    )
    with op.batch_alter_table("channel_inbox", schema=None) as batch_op:
        batch_op.create_index("ix_channel_inbox_received_at", ["received_at"], unique=False)

    op.create_table(
        "chat_choices",
        sa.Column("conversation", sa.String(length=128), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conversation", name=op.f("pk_chat_choices")),
    )
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_rate_counters")),
    )
    with op.batch_alter_table("rate_counters", schema=None) as batch_op:
        batch_op.create_index("ix_rate_counters_expires", ["expires"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rate_counters", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_counters_expires")

    op.drop_table("rate_counters")
    op.drop_table("chat_choices")
    with op.batch_alter_table("channel_inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_channel_inbox_received_at")

    op.drop_table("channel_inbox")
