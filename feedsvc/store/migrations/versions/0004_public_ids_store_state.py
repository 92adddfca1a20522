"""Short public ids for item pages, a sort time for every item, and a store version for web caches.

``sort_at`` is the publication time, or the first-seen time for items printed without one, so feeds order
by one indexed, never-null column on every database.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("public_id", sa.String(64)))
        batch.add_column(sa.Column("sort_at", sa.DateTime(timezone=True)))
    # Existing items take the last part of their tag: URI, which never changes.
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, uid FROM items")).all()
    for row in rows:
        bind.execute(sa.text("UPDATE items SET public_id = :p WHERE id = :i"),
                     {"p": row.uid.rsplit("/", 1)[-1], "i": row.id})
    op.execute("UPDATE items SET sort_at = COALESCE(published, created_at)")
    op.execute("UPDATE item_topics SET published = (SELECT sort_at FROM items WHERE items.id = item_topics.item_id)")
    op.create_index("ix_items_public_id", "items", ["public_id"], unique=True)
    # A uid is built from its public id, so the public id's unique index keeps uids unique as well; one
    # random-key index less for every insert to update.
    with op.batch_alter_table("items") as batch:
        batch.drop_constraint("uq_items_uid", type_="unique")
    op.create_index("ix_items_sort_at", "items", ["sort_at", "id"])
    # sort_at serves every ordering that published did; most items have no URL: index only those that do.
    op.drop_index("ix_items_published", table_name="items")
    op.drop_index("ix_items_url", table_name="items")
    op.create_index("ix_items_url", "items", ["url"], sqlite_where=sa.text("url IS NOT NULL"),
                    postgresql_where=sa.text("url IS NOT NULL"))
    op.create_table(
        "store_state",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("store_state")
    op.drop_index("ix_items_url", table_name="items")
    op.create_index("ix_items_url", "items", ["url"])
    op.create_index("ix_items_published", "items", ["published"])
    op.drop_index("ix_items_sort_at", table_name="items")
    with op.batch_alter_table("items") as batch:
        batch.create_unique_constraint("uq_items_uid", ["uid"])
    op.drop_index("ix_items_public_id", table_name="items")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("sort_at")
        batch.drop_column("public_id")
