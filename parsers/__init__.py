"""Parsers: readers, layout clean-up, splitting and extraction — pure functions on records."""

# Bump when parsing changes what is stored: documents parsed by an older version are re-parsed.
PARSER_VERSION = "0.5.0"
