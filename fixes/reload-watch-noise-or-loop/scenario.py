"""reload-watch-noise-or-loop: ``--reload`` reacting to files the server itself writes.

- ``changes-detected-spam``: a launcher (``serve.py``) configures the root
  logger at INFO, to the console and to ``server.log`` in the watched
  directory, then calls ``run("main:app", reload=True)``. uvicorn gives
  watchfiles no filter (``watch_filter=None``), so watchfiles logs
  ``N change(s) detected`` for every change, including ``server.log``, which
  that very line modifies: an endless stream of lines without any reload.
  After two requests (each logged by the app, so the loop is started even if
  the first one came before the watcher), ``reproduces`` (kind
  ``changes-detected-spam``) when more than three such lines appear in the
  next six seconds without any request, ``fixed`` otherwise.
- ``fix-quiet-watchfiles-logger``: the same launcher with
  ``logging.getLogger("watchfiles.main").setLevel(logging.WARNING)`` (``QUIET=1``).
- ``reload-dir-loop``: the app (``src/gen_app.py``) writes ``build_info.py``
  into the working directory at import (the scenario rewrites it once after
  the watcher has started, so the first import cannot slip past it); the user
  narrows the watch with ``--reload-dir src``. Where the working directory is watched anyway, each
  import triggers the next reload: ``reproduces`` (kind ``reload-loop``, three
  or more reloads in ten seconds); where only ``src`` is watched, ``fixed``.
- ``fix-reload-exclude``: the same app with ``--reload-exclude build_info.py``
  (and the default watch of the working directory).

All scenarios install watchfiles next to the release (uvicorn prefers it from
0.18.0); the reference server has its own mtime poller and no watchfiles, so
the two watchfiles-logger scenarios do not apply to it.
"""

from __future__ import annotations

from troubleshoot.harness.api import (
    Run,
    Verdict,
    harness_error,
    not_applicable,
    scenario,
    uvicorn_only,
)

# the watchfiles reloader (and its cwd handling) exists from 0.18.0
RELEASES = ">=0.18.0"
PLATFORMS = ("linux", "darwin")
EXTRAS = {">=0.18.0": ["watchfiles"]}

SPAM = r"\d+ changes? detected"
RELOADED = r"detected changes in|Detected file change in|reload_detected"
USES_WATCHFILES = uvicorn_only(
    "the reference server's reloader polls mtimes itself and has no watchfiles logger"
)


@scenario("changes-detected-spam", quiet="", requires=USES_WATCHFILES)
@scenario("fix-quiet-watchfiles-logger", quiet="1", requires=USES_WATCHFILES)
def _spam(run: Run, quiet: str) -> Verdict:
    launch = run.launch_script("serve.py", env={"QUIET": quiet}, timeout=30)
    if not launch.serves():
        return harness_error(f"{launch.what} did not serve", launch.tail(3))
    if not launch.wait_for(r"WatchFiles", 5):
        return not_applicable("this release did not pick the watchfiles reloader")
    # The first request was logged perhaps before the watcher started: log two
    # more once it runs, then stay quiet and count what the server writes alone.
    for _ in range(2):
        launch.proc.wait(1.5)
        launch.get()
    launch.proc.wait(1.0)
    before = len(launch.lines(SPAM))
    run.step("counting watchfiles lines for 6s without requests")
    launch.proc.wait(6.0)
    lines = launch.lines(SPAM)[before:]
    said = f"{len(lines)} 'changes detected' lines in 6s without a request"
    if len(lines) > 3:
        reason = f"{said}, {launch.count(RELOADED)} reloads"
        return launch.reproduces("changes-detected-spam", reason, "\n".join(lines[:3]))
    return launch.fixed("quiet", said)


@scenario("reload-dir-loop", "--reload-dir", "src")
@scenario("fix-reload-exclude", "--reload-exclude", "build_info.py")
def _loop(run: Run, *watch: str) -> Verdict:
    launch = run.launch_cli("gen_app:app", "--app-dir", "src", "--reload", *watch, timeout=30)
    if not launch.serves():
        # e.g. 0.18.0 with a current h11, whose HTTP parser fails first: unreachable
        why = f"the app never served on this release: {launch.tail(1)}"
        return launch.unsupported() or not_applicable(why)
    # The first import may write build_info.py before the watcher is up: touch
    # it once more after that, as the next import would, and let it run.
    launch.proc.wait(1.5)
    run.write("build_info.py", "BUILT_AT = 0.0\n")
    run.step("counting reloads for 10s")
    launch.proc.wait(10.0)
    lines = launch.lines(RELOADED)
    watched = launch.lines(r"Will watch for changes in these directories|reload_watch|watching")
    excerpt = "\n".join([*watched[:1], *lines[:3]])
    if len(lines) >= 3:
        reason = f"{len(lines)} reloads in 10s with {' '.join(watch)}"
        return launch.reproduces("reload-loop", reason, excerpt)
    return launch.fixed("no-loop", f"{len(lines)} reloads in 10s", excerpt)
