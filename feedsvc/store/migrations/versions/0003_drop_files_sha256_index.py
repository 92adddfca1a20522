"""Files are matched by path and stat, never looked up by hash: drop the index ingest paid for on every file."""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_files_sha256", table_name="files")


def downgrade() -> None:
    op.create_index("ix_files_sha256", "files", ["sha256"])
