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

import re

from troubleshoot.harness.api import Run, Verdict, fixed, reproduces, scenario, tail

# the oldest releases the harness's <0.12 recipe can install and run (0.2.0's sdist no
# longer builds)
RELEASES = ">=0.3.0"

TYPE_ERROR = (
    r"TypeError: (?:\w+\.)?__call__\(\) missing 2 required positional arguments: "
    r"'receive' and 'send'"
)
BODY = "hello from an ASGI 3 app"


@scenario("asgi3-app")
def asgi3_app(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for the server on port {port}, then GET /")
    state = run.exit_or_serve(
        proc, port, timeout=20, watch=r"Uvicorn running|Application startup complete|listening"
    )
    if state == "exited":
        return reproduces("no-start", f"exit {proc.returncode}", tail(proc.output()))
    response = run.get(port)
    if response.status is None:  # "matched" can come a moment before the socket accepts
        run.wait_serving(proc, port, timeout=5)
        response = run.get(port)
    proc.wait_for(TYPE_ERROR, 3)
    text = proc.output()
    if response.ok and BODY in response.text:
        return fixed("serves-asgi3", "the ASGI 3 app answered 200", tail(text, 2))
    if found := re.search(f"[^\\n]*\\n[^\\n]*{TYPE_ERROR}", text):
        return reproduces(
            "called-with-scope-only", f"GET / answered {response.status}", found[0].strip()
        )
    return reproduces("other", f"GET / answered {response.status} {response.error}", tail(text))
