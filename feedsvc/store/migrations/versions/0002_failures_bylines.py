"""A ledger of ingest failures, and bylines on items."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("line", sa.Integer),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_failures_path", "failures", ["path"])
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("byline", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.drop_column("byline")
    op.drop_table("failures")
