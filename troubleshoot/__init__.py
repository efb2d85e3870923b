"""uvicorn-doctor: match uvicorn failures against a verified knowledge base."""

__version__ = "0.1.0"
