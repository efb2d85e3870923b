"""`doctor` commands: check_env (being written)."""
