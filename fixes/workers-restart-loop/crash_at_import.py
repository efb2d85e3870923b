"""An app whose module raises while it is imported (a missing setting, say): it never
gets as far as defining ``app``."""

raise RuntimeError("DATABASE_URL is not set")
