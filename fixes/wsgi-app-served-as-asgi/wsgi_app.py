"""A WSGI application (what Flask's app object or Django's wsgi.py expose)."""


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello from WSGI"]
