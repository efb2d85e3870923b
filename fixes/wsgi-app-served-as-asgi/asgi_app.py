"""The fix: the WSGI app wrapped into an ASGI entry point with asgiref
(``WsgiToAsgi``), the way a Flask app is served by an ASGI server; for Django
the equivalent is serving ``project.asgi:application``."""

from asgiref.wsgi import WsgiToAsgi  # type: ignore[import-not-found]  # the release's extra
from wsgi_app import application

asgi_app = WsgiToAsgi(application)
