"""Email: digest messages rendered as MIME, and (later) their delivery."""
