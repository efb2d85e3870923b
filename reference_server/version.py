"""The reference server's version (its own module: the server logs it at start)."""

__version__ = "0.1.0"
