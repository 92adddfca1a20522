"""The web edge: app wiring, the feed cache, HTTP rules, the views and the static files."""
