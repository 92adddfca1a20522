"""Topic classification: language, words, places and the rules that place an item in the taxonomy."""
