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

from troubleshoot.harness.api import Requires, Run, ScenarioFn, Verdict, scenario, uvicorn_only

# the apps are ASGI 3, which uvicorn speaks from 0.6.0 (#325)
RELEASES = ">=0.6.0"

STARTED = r"Uvicorn running|Application startup complete|listening"
BODY = "hello from the factory's app"
SIGNS = {
    "called-as-asgi2": r"TypeError: (?:\w+\.)?create_\w+\(\) takes 0 positional arguments "
    r"but 1 was given",
    "returned-app-called-as-asgi2": r"TypeError: (?:\w+\.)?__call__\(\) missing 1 required "
    r"positional argument: 'send'",
    "called-as-asgi3": r"TypeError: (?:\w+\.)?create_\w+\(\) takes 0 positional arguments "
    r"but 3 were given",
}
REFUSES = r"APP seems to be an application factory\. Run uvicorn with the --factory flag\."
WARNING = r"ASGI app factory detected\. Using it, but please consider setting the --factory flag"
# the factory's own error (create_app_misconfigured), however the server words it
FACTORY_ERROR = r"[^\n]*got an unexpected keyword argument 'debug'[^\n]*"
NO_DETECTION = uvicorn_only(
    "the reference server has no factory detection: without --factory it calls "
    "the function as an ASGI 3 app, so the 500 is the mistake itself, not a server "
    "behaviour this entry is about"
)


def _serve(run: Run, target: str, *flags: str) -> Verdict:
    launch = run.launch_cli(target, *flags, timeout=20, watch=STARTED)
    verdict = launch.request_verdict(SIGNS, body=BODY, serves="served")
    # the server's own words: refusing without --factory, naming the factory's error
    # (exited, or reported with the process left up), warning while it serves
    if verdict.kind == "no-start" and (found := launch.find(REFUSES)):
        return launch.fixed("refuses-naming-factory-flag", excerpt=found)
    if verdict.kind in ("no-start", "other") and (found := launch.find(FACTORY_ERROR)):
        return launch.fixed("factory-error-named", verdict.reason, found)
    if verdict.kind == "served" and (found := launch.find(WARNING)):
        return launch.fixed("served-with-warning", verdict.reason, found)
    return verdict


def _serves(name: str, target: str, *flags: str, requires: Requires | None = None) -> ScenarioFn:
    @scenario(name, requires=requires)
    def serve(run: Run) -> Verdict:
        return _serve(run, target, *flags)

    return serve


factory_without_flag = _serves("factory-without-flag", "app:create_app", requires=NO_DETECTION)
factory_with_default_arg = _serves(
    "factory-with-default-arg", "app:create_app_with_settings", requires=NO_DETECTION
)
factory_raising_typeerror = _serves(
    "factory-raising-typeerror", "app:create_app_misconfigured", requires=NO_DETECTION
)
fix_factory_flag = _serves("fix-factory-flag", "app:create_app", "--factory")
fix_factory_flag_names_error = _serves(
    "fix-factory-flag-names-error", "app:create_app_misconfigured", "--factory"
)
fix_app_instance = _serves("fix-app-instance", "app:app")
