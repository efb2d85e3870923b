"""setup-event-loop-removed: a launcher calls ``Config.setup_event_loop()`` (removed in 0.36.0).

Correct behaviour (``fixed``, kind ``serves``): the launcher's server answers
``GET /``. The failure (``reproduces``): the launcher dies before serving with an
``AttributeError``: kind ``attribute-missing`` (0.36.0: ``'Config' object has
no attribute 'setup_event_loop'``) or kind ``explicit-error`` (0.36.1 and
later: ``The `setup_event_loop` method was replaced by `get_loop_factory` ...``);
anything else is kind ``other-failure``.

``fix-get-loop-factory`` runs the updated launcher (``config.get_loop_factory()``
with ``asyncio.Runner``) on the same releases.

The reference server has no ``Config``/``Server`` objects to drive: this class
is about uvicorn's internal API, so against it the scenarios are not-applicable.
"""

from __future__ import annotations

from troubleshoot.harness.api import Run, Verdict, releases, scenario, uvicorn_only

# Config.setup_event_loop exists since 0.5.0; from 0.12 the releases install with
# their own dependencies, so the launcher needs no pure-Python flags.
RELEASES = ">=0.12.0"

SIGNS = {
    "explicit-error": r"AttributeError: The `setup_event_loop` method was replaced by "
    r"`get_loop_factory`[^\n]*",
    "attribute-missing": r"AttributeError: 'Config' object has no attribute "
    r"'setup_event_loop'[^\n]*",
}
NO_OBJECTS = (
    "the reference server has no Config/Server objects for a launcher to drive; "
    "this class concerns uvicorn's internal API (Config.setup_event_loop)"
)
NEEDS_GET_LOOP_FACTORY = releases(
    ">=0.36.0",
    "Config.get_loop_factory() exists from uvicorn 0.36.0 (the fix targets 0.36.0+)",
    reference=NO_OBJECTS,
)


@scenario("setup-event-loop", requires=uvicorn_only(NO_OBJECTS))
def setup_event_loop(run: Run) -> Verdict:
    launch = run.launch_script("launcher.py", timeout=20)
    return launch.verdict(SIGNS, serves="serves", options=False)


@scenario("fix-get-loop-factory", requires=NEEDS_GET_LOOP_FACTORY)
def fix_get_loop_factory(run: Run) -> Verdict:
    launch = run.launch_script("launcher_fixed.py", timeout=20)
    return launch.verdict(SIGNS, serves="serves", options=False)
