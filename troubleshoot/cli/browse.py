"""`doctor` commands: browse (being written)."""
