"""programmatic-reload-without-main-guard: serve.py calls run(reload=True / workers=2) unguarded.

Correct behaviour (``fixed``): the server refuses at once, names the missing
``if __name__ == "__main__":`` guard, exits non-zero and leaves nothing
running. The failure (``reproduces``): multiprocessing's "An attempt has been
made to start a new process before the current process has finished its
bootstrapping phase" RuntimeError from the re-imported script in a child
(kind ``bootstrap-runtimeerror``), or any other crash or hang without that advice.

Fix scenarios, with ``reload=True`` (the trigger that fails on every release):
``fixed`` when the server serves ``GET /``, no bootstrapping error follows, and
an edit of app.py is served (the reloader works):

- ``fix-main-guard``: serve_guarded.py, the same call under the main guard.
- ``fix-cli``: ``uvicorn app:app --reload``, no script of our own.
"""

from __future__ import annotations

from troubleshoot.harness.api import Launch, Run, Verdict, scenario

# run() accepts an import string with reload/workers since 0.5.0 (the spawn supervisors).
RELEASES = ">=0.5.0"

BOOTSTRAP = r"bootstrapping phase"
GUARD_ADVICE = r"[^\n]*(?:__name__ == .__main__.|main guard)[^\n]*"


def _bootstrap_error(launch: Launch) -> Verdict | None:
    """The multiprocessing RuntimeError of a child that re-ran the script, if any."""
    if launch.state == "serving":
        # a broken child may only report after another process started serving
        launch.wait_for(BOOTSTRAP, 3)
    if launch.find(BOOTSTRAP) is None:
        return None
    lines = launch.lines(rf"^RuntimeError|An attempt has been made|{BOOTSTRAP}")
    return launch.reproduces(
        "bootstrap-runtimeerror",
        f"multiprocessing bootstrapping RuntimeError ({launch.outcome}, "
        f"{len(launch.proc.members())} processes running)",
        "\n".join(line.strip() for line in lines[:3]),
    )


@scenario("reload", "reload")
@scenario("workers", "workers")
def _decide(run: Run, mode: str) -> Verdict:
    launch = run.launch_script("serve.py", env={"MODE": mode}, watch=BOOTSTRAP)
    if (verdict := launch.unsupported() or _bootstrap_error(launch)) is not None:
        return verdict
    # no traceback: the server refused in its own words, naming the guard
    clean = launch.state == "exited" and "Traceback" not in launch.text
    return launch.verdict(refuses=GUARD_ADVICE if clean else None, serves="serves")


def _serves_and_reloads(launch: Launch) -> Verdict:
    if (error := _bootstrap_error(launch)) is not None:
        return error
    if launch.state != "serving":
        return launch.reproduces("no-serve")
    if not launch.edit_until_served("app.py", 'b"ok"', 'b"reloaded"', "reloaded"):
        return launch.reproduces("no-reload", f"{launch.what} served but did not reload an edit")
    return launch.fixed("serves-and-reloads", f"{launch.what} served and reloaded an edit")


@scenario("fix-main-guard")
def fix_main_guard(run: Run) -> Verdict:
    guarded = run.launch_script(
        "serve_guarded.py", env={"MODE": "reload"}, timeout=20, watch=BOOTSTRAP
    )
    return _serves_and_reloads(guarded)


@scenario("fix-cli")
def fix_cli(run: Run) -> Verdict:
    return _serves_and_reloads(run.launch_cli("app:app", "--reload", timeout=20, watch=BOOTSTRAP))
