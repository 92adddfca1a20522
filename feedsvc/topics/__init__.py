"""The catalogue: the topics file, the sources file, and matching an item to topics."""
