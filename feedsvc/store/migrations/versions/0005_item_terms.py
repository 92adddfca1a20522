"""Coverage terms of articles (names and event dates), to list related coverage on article pages.

Articles stored before this revision get their terms from their next re-ingest or from
``flask --app feedsvc reclassify``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_terms",
        sa.Column("term", sa.String(64), primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_item_terms_item_id", "item_terms", ["item_id"])


def downgrade() -> None:
    op.drop_table("item_terms")
