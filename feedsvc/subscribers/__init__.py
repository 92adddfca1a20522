"""Subscribers: what one may ask for, and the signed tokens of their links."""
