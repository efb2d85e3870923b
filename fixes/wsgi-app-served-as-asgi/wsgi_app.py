"""A WSGI application (what Flask's app object or Django's wsgi.py expose)."""

from typing import Any, Callable, Dict, List


def application(environ: Dict[str, Any], start_response: Callable[..., Any]) -> List[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello from WSGI"]
