"""Confirmation mails sent, per normalised mailbox: the store counts them, so every web process sees one count."""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "confirmation_mails",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mailbox", sa.String(320), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_confirmation_mails_mailbox_sent", "confirmation_mails", ["mailbox", "sent_at"])


def downgrade() -> None:
    op.drop_table("confirmation_mails")
