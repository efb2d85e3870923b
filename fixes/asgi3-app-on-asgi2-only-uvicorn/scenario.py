"""asgi3-app-on-asgi2-only-uvicorn: an ASGI 3 app served by a uvicorn that only speaks ASGI 2.

``asgi3-app``: ``uvicorn app:app``, where ``app`` is an instance with ``async
def __call__(self, scope, receive, send)``, the shape of every current
framework's application object.

The failure (``reproduces``, kind ``called-with-scope-only``): ``GET /``
answers 500 and the log holds ``TypeError: __call__() missing 2 required
positional arguments: 'receive' and 'send'``, raised where uvicorn calls
``app(self.scope)`` (releases before ASGI 3 support). Correct behaviour
(``fixed``): the app answers 200 (a release that detects ASGI 3). A release
that cannot start the app at all is ``reproduces`` (kind ``no-start``).
The reference server speaks ASGI 3 and serves it.
"""

from __future__ import annotations

from troubleshoot.harness.api import Run, Verdict, scenario

# the oldest releases the harness's <0.12 recipe can install and run (0.2.0's sdist no
# longer builds)
RELEASES = ">=0.3.0"

STARTED = r"Uvicorn running|Application startup complete|listening"
# the TypeError and the line above it: where uvicorn calls app(self.scope)
SIGNS = {
    "called-with-scope-only": r"[^\n]*\n[^\n]*TypeError: (?:\w+\.)?__call__\(\) missing 2 "
    r"required positional arguments: 'receive' and 'send'"
}


@scenario("asgi3-app")
def asgi3_app(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", timeout=20, watch=STARTED)
    return launch.request_verdict(SIGNS, body="hello from an ASGI 3 app", serves="serves-asgi3")
