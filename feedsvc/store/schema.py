"""Tables of the store. Migrations in ``feedsvc/store/migrations`` create and evolve exactly these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; SQLite hands back naive values, which are UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

files = Table(
    "files", metadata,
    Column("id", Integer, primary_key=True),
    Column("path", Text, nullable=False, unique=True),
    Column("size", BigInteger, nullable=False),
    Column("mtime_ns", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("status", String(10), nullable=False),
    Column("ingested_at", UTCDateTime(), nullable=False),
)

items = Table(
    "items", metadata,
    Column("id", Integer, primary_key=True),
    Column("uid", String(255), nullable=False),  # unique through public_id, which it is built from
    Column("public_id", String(64), unique=True),
    Column("kind", String(10), nullable=False),
    Column("source", String(64)),
    Column("title", Text, nullable=False),
    Column("dedupe_key", String(64), nullable=False, unique=True),
    Column("url", Text),
    Column("published", UTCDateTime()),
    Column("sort_at", UTCDateTime()),
    Column("published_precision", String(6)),
    Column("published_inferred", Boolean, nullable=False, default=False),
    Column("dateline_place", Text),
    Column("dateline_agency", Text),
    Column("category", Text),
    Column("byline", Text),
    Column("lede", Text),
    Column("body", Text),
    Column("captions", Text),
    Column("given_topics", Text),
    Column("content_hash", String(64), nullable=False),
    Column("file_id", Integer, ForeignKey("files.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_items_file_id", "file_id"),
    Index("ix_items_url", "url", sqlite_where=text("url IS NOT NULL"), postgresql_where=text("url IS NOT NULL")),
    Index("ix_items_sort_at", "sort_at", "id"),
)

item_topics = Table(
    "item_topics", metadata,
    Column("topic", String(64), primary_key=True),
    Column("item_id", Integer, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("published", UTCDateTime()),
    Index("ix_item_topics_topic_published", "topic", "published", "item_id"),
    Index("ix_item_topics_item_id", "item_id"),
)

item_terms = Table(
    "item_terms", metadata,
    Column("term", String(64), primary_key=True),
    Column("item_id", Integer, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_item_terms_item_id", "item_id"),
)

digests = Table(
    "digests", metadata,
    Column("id", Integer, primary_key=True),
    Column("topic", String(64), nullable=False),
    Column("day", String(10), nullable=False),
    Column("window_start", UTCDateTime(), nullable=False),
    Column("window_end", UTCDateTime(), nullable=False),
    Column("status", String(10), nullable=False),
    Column("reason", Text),
    Column("built_at", UTCDateTime(), nullable=False),
    Column("story_count", Integer, nullable=False),
    Column("item_count", Integer, nullable=False),
    Column("content", Text, nullable=False),
    UniqueConstraint("topic", "day", name="uq_digests_topic_day"),
    Index("ix_digests_day", "day"),
)

subscribers = Table(
    "subscribers", metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("topics", Text, nullable=False),  # JSON list of slugs ("all" for every topic)
    Column("hour", Integer, nullable=False),
    Column("zone", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # pending, active, paused, unsubscribed
    Column("created_at", UTCDateTime(), nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
    Index("ix_subscribers_status", "status"),
)

confirmation_mails = Table(
    "confirmation_mails", metadata,
    Column("id", Integer, primary_key=True),
    Column("mailbox", String(320), nullable=False),  # normalised: lower case, no +tag
    Column("sent_at", UTCDateTime(), nullable=False),
    Index("ix_confirmation_mails_mailbox_sent", "mailbox", "sent_at"),
)

deliveries = Table(
    "deliveries", metadata,
    Column("id", Integer, primary_key=True),
    Column("digest_id", Integer, ForeignKey("digests.id", ondelete="CASCADE"), nullable=False),
    Column("subscriber_id", Integer, ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(320), nullable=False),
    Column("message_id", String(255), nullable=False),
    # queued, sending, retry, sent, failed, unknown (the server may have it), cancelled (unsubscribed since)
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_at", UTCDateTime(), nullable=False),  # when it is due: the reader's hour, or the next retry
    Column("claimed_by", String(32)),
    Column("claimed_at", UTCDateTime()),
    Column("sent_at", UTCDateTime()),
    Column("error", Text),
    UniqueConstraint("digest_id", "subscriber_id", name="uq_deliveries_digest_subscriber"),
    Index("ix_deliveries_status_next", "status", "next_at"),
)

store_state = Table(
    "store_state", metadata,
    Column("name", String(32), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
)

instance_secrets = Table(
    "instance_secrets", metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

RUN_COUNTS = ("files_read", "files_unchanged", "files_failed", "articles_new", "articles_updated",
              "articles_unchanged", "headlines_new", "headlines_known")

ingest_runs = Table(
    "ingest_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime(), nullable=False),
    Column("origin", String(16), nullable=False),  # cli or clock
    *(Column(name, Integer, nullable=False) for name in RUN_COUNTS),
    Index("ix_ingest_runs_started_at", "started_at"),
)

failures = Table(
    "failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("path", Text, nullable=False, index=True),
    Column("line", Integer),
    Column("reason", Text, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
)
