"""Files, items and their topics."""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.Text, nullable=False, unique=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("mtime_ns", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("ingested_at", TZ, nullable=False),
    )
    op.create_index("ix_files_sha256", "files", ["sha256"])
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("source", sa.String(64)),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("dedupe_key", sa.String(64), nullable=False, unique=True),
        sa.Column("url", sa.Text),
        sa.Column("published", TZ),
        sa.Column("published_precision", sa.String(6)),
        sa.Column("published_inferred", sa.Boolean, nullable=False),
        sa.Column("dateline_place", sa.Text),
        sa.Column("dateline_agency", sa.Text),
        sa.Column("category", sa.Text),
        sa.Column("lede", sa.Text),
        sa.Column("body", sa.Text),
        sa.Column("captions", sa.Text),
        sa.Column("given_topics", sa.Text),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("file_id", sa.Integer, sa.ForeignKey("files.id", ondelete="SET NULL")),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("uid", name="uq_items_uid"),
    )
    op.create_index("ix_items_published", "items", ["published"])
    op.create_index("ix_items_file_id", "items", ["file_id"])
    op.create_index("ix_items_url", "items", ["url"])
    op.create_table(
        "item_topics",
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("topic", sa.String(64), primary_key=True),
        sa.Column("published", TZ),
    )
    op.create_index("ix_item_topics_topic_published", "item_topics", ["topic", "published", "item_id"])


def downgrade() -> None:
    op.drop_table("item_topics")
    op.drop_table("items")
    op.drop_table("files")
