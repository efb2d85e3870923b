"""A catalog of every message uvicorn (and h11, websockets, the stdlib) can print.

Generated from the release sources by ``python -m troubleshoot.catalog.build`` into
``kb/catalog/*.json``; see docs/catalog.md. Use::

    from troubleshoot import catalog

    cat = catalog.load()
    for found in cat.find("08:06:41 WARNING | uvicorn.error: Invalid HTTP request received."):
        print(found.message.id, found.message.releases, found.start, found.end)
"""

from troubleshoot.catalog.lookup import Catalog, load
from troubleshoot.catalog.model import Found, Message

__all__ = ["Catalog", "Found", "Message", "load"]
