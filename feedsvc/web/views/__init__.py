"""Flask views: feeds for readers, pages for people."""
