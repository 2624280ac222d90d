"""the web chat's log

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_chat_log",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_web_chat_log")),
    )
    with op.batch_alter_table("web_chat_log", schema=None) as batch_op:
        batch_op.create_index("ix_web_chat_log_conversation_seq", ["conversation", "seq"], unique=False)
        batch_op.create_index("ix_web_chat_log_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("web_chat_log", schema=None) as batch_op:
        batch_op.drop_index("ix_web_chat_log_created_at")
        batch_op.drop_index("ix_web_chat_log_conversation_seq")
    op.drop_table("web_chat_log")
