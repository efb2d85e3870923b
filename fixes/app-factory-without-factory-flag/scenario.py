"""app-factory-without-factory-flag: a function that returns the app, served as the app.

Each scenario runs ``uvicorn app:<name>`` and requests ``GET /``.

- ``factory-without-flag``: ``app:create_app`` (no parameters), no ``--factory``.
- ``factory-with-default-arg``: ``app:create_app_with_settings`` (``settings=None``).
- ``factory-raising-typeerror``: ``app:create_app_misconfigured``, whose own code
  raises a ``TypeError``.
- ``fix-factory-flag``: ``app:create_app --factory``.
- ``fix-factory-flag-names-error``: ``app:create_app_misconfigured --factory``.
- ``fix-app-instance``: ``app:app``, the object the factory returns.

Outcomes and kinds:

- ``reproduces``, ``called-as-asgi2``: the server took the function for an ASGI 2
  app and called it with the scope: 500 and ``TypeError: create_...() takes 0
  positional arguments but 1 was given``;
- ``reproduces``, ``called-as-asgi3``: a server without factory detection called
  the function as an ASGI 3 app (``takes 0 positional arguments but 3 were
  given``);
- ``reproduces``, ``returned-app-called-as-asgi2``: the function accepted the
  scope, returned the app, which was then called with ``(receive, send)``: 500 and
  ``__call__() missing 1 required positional argument: 'send'``;
- ``fixed``, ``factory-error-named``: the server exits naming the factory's own
  error (uvicorn: ``Error loading ASGI app factory: ...``), the right report of a
  broken factory (``--factory`` given);
- ``fixed``, ``refuses-naming-factory-flag``: the server refuses to start and says
  to use ``--factory``;
- ``fixed``, ``served-with-warning``: the server called the factory, warned
  (``ASGI app factory detected ... --factory``) and serves the app;
- ``fixed``, ``served``: 200 from the app and no warning.

The reference server has ``--factory`` and no detection (a function without
``--factory`` is called as an ASGI 3 app): only the fix scenarios apply to it.
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

# the apps are ASGI 3, which uvicorn speaks from 0.6.0 (#325)
RELEASES = ">=0.6.0"

BODY = "hello from the factory's app"
TAKES_ZERO = r"TypeError: (?:\w+\.)?create_\w+\(\) takes 0 positional arguments but 1 was given"
MISSING_SEND = r"TypeError: (?:\w+\.)?__call__\(\) missing 1 required positional argument: 'send'"
REFUSES = r"APP seems to be an application factory\. Run uvicorn with the --factory flag\."
WARNING = r"ASGI app factory detected\. Using it, but please consider setting the --factory flag"
# the factory's own error (create_app_misconfigured), however the server words it
FACTORY_ERROR = r"[^\n]*got an unexpected keyword argument 'debug'[^\n]*"
CALLED_AS_ASGI3 = (
    r"TypeError: (?:\w+\.)?create_\w+\(\) takes 0 positional arguments but 3 were given"
)


def _serve(run: Run, target: str, *flags: str) -> Verdict:
    port = run.port()
    proc = run.start_cli(target, *flags, "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for {target} on port {port}, then GET /")
    state = run.exit_or_serve(
        proc, port, timeout=20, watch=r"Uvicorn running|Application startup complete|listening"
    )
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if state == "exited":
        if found := re.search(REFUSES, text):
            return fixed("refuses-naming-factory-flag", f"exit {proc.returncode}", found[0])
        if found := re.search(FACTORY_ERROR, text):
            return fixed("factory-error-named", f"exit {proc.returncode}", found[0].strip())
        return reproduces("no-start", f"exit {proc.returncode}", tail(text))
    response = run.get(port)
    if response.status is None:  # "matched" can come a moment before the socket accepts
        run.wait_serving(proc, port, timeout=5)
        response = run.get(port)
    proc.wait_for(f"{TAKES_ZERO}|{MISSING_SEND}", 3)
    text = proc.output()
    seen = f"GET / answered {response.status or response.error}"
    if response.ok and BODY in response.text:
        if found := re.search(WARNING, text):
            return fixed("served-with-warning", seen, found[0])
        return fixed("served", seen, tail(text, 2))
    if found := re.search(TAKES_ZERO, text):
        return reproduces("called-as-asgi2", seen, found[0])
    if found := re.search(MISSING_SEND, text):
        return reproduces("returned-app-called-as-asgi2", seen, found[0])
    if found := re.search(CALLED_AS_ASGI3, text):
        return reproduces("called-as-asgi3", seen, found[0])
    if found := re.search(FACTORY_ERROR, text):  # reported, the process left up
        return fixed("factory-error-named", seen, found[0].strip())
    return reproduces("other", seen, tail(text))


def _no_detection(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return (
            "the reference server has no factory detection: without --factory it calls "
            "the function as an ASGI 3 app, so the 500 is the mistake itself, not a server "
            "behaviour this entry is about"
        )
    return None


@scenario("factory-without-flag", requires=_no_detection)
def factory_without_flag(run: Run) -> Verdict:
    return _serve(run, "app:create_app")


@scenario("factory-with-default-arg", requires=_no_detection)
def factory_with_default_arg(run: Run) -> Verdict:
    return _serve(run, "app:create_app_with_settings")


@scenario("factory-raising-typeerror", requires=_no_detection)
def factory_raising_typeerror(run: Run) -> Verdict:
    return _serve(run, "app:create_app_misconfigured")


@scenario("fix-factory-flag")
def fix_factory_flag(run: Run) -> Verdict:
    return _serve(run, "app:create_app", "--factory")


@scenario("fix-factory-flag-names-error")
def fix_factory_flag_names_error(run: Run) -> Verdict:
    return _serve(run, "app:create_app_misconfigured", "--factory")


@scenario("fix-app-instance")
def fix_app_instance(run: Run) -> Verdict:
    return _serve(run, "app:app")
