"""The store: SQLAlchemy tables, migrations, writes from ingest and reads for the web."""
