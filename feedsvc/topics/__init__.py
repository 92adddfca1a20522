"""The catalogue: the topics file, the sources file, and matching an item to topics (language, words,
places and the rules that place an item in the taxonomy)."""
