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

import re

from troubleshoot.harness.api import (
    Run,
    ServerSpec,
    Verdict,
    fixed,
    not_applicable,
    reproduces,
    scenario,
    tail,
)

# --interface (asgi2/asgi3/wsgi) and the ASGI 2 auto-detection exist since 0.7.x; the
# run checks the option through --help errors.
RELEASES = ">=0.8.0"

TYPE_ERROR = r"[^\n]*TypeError:[^\n]*missing 1 required positional argument: 'start_response'[^\n]*"


def _no_wsgi(server: ServerSpec) -> str | None:
    if server.kind == "reference":
        return (
            "the reference server does not model WSGI: it has no --interface option and "
            "no WSGI adapter, so handing it a WSGI callable tests nothing this entry is about"
        )
    return None


@scenario("wsgi-callable", requires=_no_wsgi)
def wsgi_callable(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("wsgi_app:application", "--host", "127.0.0.1", "--port", str(port))
    run.step("waiting for the server, then GET / on the WSGI app")
    state = run.exit_or_serve(
        proc, port, timeout=15, watch=r"Uvicorn running|Application startup complete"
    )
    if state == "exited":
        text = proc.output()
        if re.search(r"WSGI|wsgi|interface", text) and proc.returncode != 0:
            return fixed("refuses", f"exit {proc.returncode}: names the interface", tail(text))
        return reproduces("other-failure", f"exit {proc.returncode}", tail(text))
    response = run.get(port)
    proc.wait_for(r"start_response", 3)
    text = proc.output()
    if response.status == 200 and "hello from WSGI" in response.text:
        return fixed("serves-wsgi", "the WSGI app answered", tail(text, 2))
    if response.status == 500 and (found := re.search(TYPE_ERROR, text)):
        return reproduces(
            "missing-start-response", "500 and the start_response TypeError", found[0].strip()
        )
    return reproduces("other-failure", f"status {response.status} {response.error}", tail(text))


@scenario("fix-interface-wsgi", requires=_no_wsgi)
def fix_interface_wsgi(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli(
        "wsgi_app:application", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)
    )
    run.step("waiting for --interface wsgi to serve the WSGI app")
    state = run.exit_or_serve(proc, port, timeout=15)
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if state == "serving" and "hello from WSGI" in run.get(port).text:
        return fixed("serves-wsgi", "--interface wsgi serves the WSGI app", tail(text, 2))
    return reproduces("no-serve", f"{state}, exit {proc.returncode}", tail(text))


def _needs_asgiref(server: ServerSpec) -> str | None:
    if server.kind == "reference":
        return (
            "needs asgiref installed next to the server; the reference server runs on the "
            "doctor's own interpreter, which has no asgiref"
        )
    return None


@scenario("fix-asgi-entry-point", requires=_needs_asgiref, extras={">=0.8.0": ["asgiref==3.8.1"]})
def fix_asgi_entry_point(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("asgi_app:asgi_app", "--host", "127.0.0.1", "--port", str(port))
    run.step("waiting for the asgiref-wrapped app to serve")
    state = run.exit_or_serve(proc, port, timeout=15)
    text = proc.output()
    if (
        state == "serving"
        and "hello from WSGI" in run.get(port).text
        and not re.search(TYPE_ERROR, text)
    ):
        return fixed(
            "serves-asgi-entry-point", "the ASGI entry point serves the app", tail(text, 2)
        )
    return reproduces("no-serve", f"{state}, exit {proc.returncode}", tail(text))
