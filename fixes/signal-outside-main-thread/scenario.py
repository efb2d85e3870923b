"""signal-outside-main-thread: the server is started from a thread that is not the main one.

``python serve_thread.py`` calls ``run("app:app", ...)`` inside a
``threading.Thread`` (``MODE`` picks plain, ``reload=True`` or ``workers=2``).

Correct behaviour: ``thread-plain`` serves (``fixed``, kind ``serves``): a
single server needs no signal handlers it cannot install; ``thread-reload`` and
``thread-workers`` either serve or refuse with a message that names the main
thread (``fixed``, kind ``clean-error``). The failure (``reproduces``): the
thread dies with Python's ``signal only works in main thread`` ValueError (kind
``signal-valueerror``) or asyncio's ``set_wakeup_fd only works in main thread``
/ ``add_signal_handler() can only be called from the main thread`` (kind
``wakeup-fd-error``), and nothing serves.

``fix-main-thread`` is the recommended change for reload/workers: the server
runs in the main thread and the other work moves to a thread.
``fix-subprocess-workers`` is the workaround when the main thread is taken and
several workers are needed: the thread starts ``uvicorn app:app --workers 2``
as a separate process (serve_subprocess_thread.py); ``fixed`` when it serves.
The other half of that workaround, one plain server in the thread, is
``thread-plain``.
"""

from __future__ import annotations

import json

from troubleshoot.harness.api import Run, Verdict, scenario

# run() with an import string exists since 0.5.0; older releases need pure-Python flags.
RELEASES = ">=0.5.0"

SIGNS = {
    "signal-valueerror": r"ValueError: signal only works in main thread[^\n]*",
    "wakeup-fd-error": r"(?:RuntimeError|ValueError): (?:set_wakeup_fd only works in main thread"
    r"|add_signal_handler\(\) can only be called from the main thread)[^\n]*",
}


@scenario("thread-plain", "serve_thread.py", "plain")
@scenario("thread-reload", "serve_thread.py", "reload")
@scenario("thread-workers", "serve_thread.py", "workers")
@scenario("fix-main-thread", "serve_main_thread.py", "reload")
def _decide(run: Run, script: str, mode: str, **env: str) -> Verdict:
    launch = run.launch_script(script, env={"MODE": mode, **env}, watch="|".join(SIGNS.values()))
    verdict = launch.verdict(SIGNS, serves="serves", options=False)
    # a refusal raised inside the thread ends only that thread: any exit code will do
    refused = launch.state == "exited" and "Traceback" not in launch.text
    if verdict.kind == "other-failure" and refused and launch.find("main thread"):
        return launch.fixed("clean-error", f"refused ({launch.outcome}), naming the main thread")
    return verdict


@scenario("fix-subprocess-workers")
def fix_subprocess_workers(run: Run) -> Verdict:
    cli = json.dumps([*run.server.cli, *run.server.cli_flags])
    return _decide(run, "serve_subprocess_thread.py", "workers", SERVER_CLI=cli)
