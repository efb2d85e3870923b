"""`doctor` commands: kb (being written)."""
