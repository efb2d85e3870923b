"""wsgi-app-served-as-asgi: a WSGI callable handed to the server as if it were ASGI.

- ``wsgi-callable``: ``uvicorn wsgi_app:application``. With ``--interface
  auto`` uvicorn takes a plain two-argument function for ASGI 2, calls it with
  the scope only, and every request fails: ``reproduces`` (kind
  ``missing-start-response``) when ``GET /`` answers 500 and the log holds the
  ``missing 1 required positional argument: 'start_response'`` TypeError.
  ``fixed`` when the request is answered 200 by the WSGI app (a server that
  detects WSGI) or the server refuses to start naming the interface.
- ``fix-interface-wsgi``: ``--interface wsgi``; ``fixed`` on a 200 from the app.
- ``fix-asgi-entry-point``: the server is given an ASGI entry point instead:
  asgi_app.py wraps the same WSGI app with asgiref's ``WsgiToAsgi`` (asgiref
  installed next to the release); ``fixed`` on a 200 from the app and no
  ``start_response`` TypeError.

The reference server has no WSGI support and no ``--interface`` option (it
serves ASGI 2 and 3 only), so the scenarios are not applicable to it (the asgiref one needs asgiref,
which the doctor's own interpreter does not have).
"""

from __future__ import annotations

from troubleshoot.harness.api import Run, Verdict, scenario, uvicorn_only

# --interface (asgi2/asgi3/wsgi) and the ASGI 2 auto-detection exist since 0.7.x; the
# run checks the option through --help errors.
RELEASES = ">=0.8.0"

STARTED = r"Uvicorn running|Application startup complete"
BODY = "hello from WSGI"
TYPE_ERROR = r"[^\n]*TypeError:[^\n]*missing 1 required positional argument: 'start_response'[^\n]*"
NO_WSGI = uvicorn_only(
    "the reference server does not model WSGI: it has no --interface option and "
    "no WSGI adapter, so handing it a WSGI callable tests nothing this entry is about"
)
NEEDS_ASGIREF = uvicorn_only(
    "needs asgiref installed next to the server; the reference server runs on the "
    "doctor's own interpreter, which has no asgiref"
)


@scenario("wsgi-callable", requires=NO_WSGI)
def wsgi_callable(run: Run) -> Verdict:
    launch = run.launch_cli("wsgi_app:application", watch=STARTED)
    if launch.state == "exited" and launch.code != 0 and launch.find(r"WSGI|wsgi|interface"):
        return launch.fixed("refuses", f"{launch.what}: {launch.outcome}, names the interface")
    signs = {"missing-start-response": TYPE_ERROR}
    return launch.request_verdict(
        signs, body=BODY, serves="serves-wsgi", no_start="other-failure", otherwise="other-failure"
    )


@scenario("fix-interface-wsgi", requires=NO_WSGI)
def fix_interface_wsgi(run: Run) -> Verdict:
    launch = run.launch_cli("wsgi_app:application", "--interface", "wsgi")
    return launch.verdict(serves="serves-wsgi", body=BODY, otherwise="no-serve")


@scenario("fix-asgi-entry-point", requires=NEEDS_ASGIREF, extras={">=0.8.0": ["asgiref==3.8.1"]})
def fix_asgi_entry_point(run: Run) -> Verdict:
    launch = run.launch_cli("asgi_app:asgi_app")
    signs = {"no-serve": TYPE_ERROR}  # the app served, but still as ASGI 2
    return launch.verdict(signs, serves="serves-asgi-entry-point", body=BODY, otherwise="no-serve")
