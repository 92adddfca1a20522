"""item_topics keyed by (topic, item_id): archive pages find a topic's items by id range through the key.

Items' own topics are found through a separate item_id index, so ingest writes no more index entries than
before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _rebuild(first: str, second: str, new_index: str, old_index: str | None) -> None:
    op.create_table(
        "item_topics_new",
        sa.Column(first, sa.Integer if first == "item_id" else sa.String(64), primary_key=True),
        sa.Column(second, sa.Integer if second == "item_id" else sa.String(64), primary_key=True),
        sa.Column("published", sa.DateTime(timezone=True)),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], ondelete="CASCADE"),
    )
    op.execute(f"INSERT INTO item_topics_new ({first}, {second}, published) "
               f"SELECT {first}, {second}, published FROM item_topics")
    if old_index:
        op.drop_index(old_index, table_name="item_topics")
    op.drop_index("ix_item_topics_topic_published", table_name="item_topics")
    op.drop_table("item_topics")
    op.rename_table("item_topics_new", "item_topics")
    op.create_index("ix_item_topics_topic_published", "item_topics", ["topic", "published", "item_id"])
    if new_index:
        op.create_index(new_index, "item_topics", ["item_id"])


def upgrade() -> None:
    _rebuild("topic", "item_id", "ix_item_topics_item_id", None)


def downgrade() -> None:
    _rebuild("item_id", "topic", "", "ix_item_topics_item_id")
