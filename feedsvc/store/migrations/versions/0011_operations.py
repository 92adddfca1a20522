"""What the operator needs kept: the generated signing key, and a row per ingest run for the status page."""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COUNTS = ("files_read", "files_unchanged", "files_failed", "articles_new", "articles_updated",
          "articles_unchanged", "headlines_new", "headlines_known")


def upgrade() -> None:
    op.create_table(
        "instance_secrets",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        *(sa.Column(name, sa.Integer, nullable=False) for name in COUNTS),
    )
    op.create_index("ix_ingest_runs_started_at", "ingest_runs", ["started_at"])


def downgrade() -> None:
    op.drop_table("ingest_runs")
    op.drop_table("instance_secrets")
