"""Digests: one row per (topic, day), built or visibly skipped, with what it held."""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("story_count", sa.Integer, nullable=False),
        sa.Column("item_count", sa.Integer, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.UniqueConstraint("topic", "day", name="uq_digests_topic_day"),
    )
    op.create_index("ix_digests_day", "digests", ["day"])


def downgrade() -> None:
    op.drop_table("digests")
