"""Digests: the window's items, near-duplicates clustered into stories, ranked and budgeted."""
