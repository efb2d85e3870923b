"""`doctor` commands: paste (being written)."""
