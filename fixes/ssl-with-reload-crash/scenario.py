"""ssl-with-reload-crash: ``--reload`` with ``--ssl-certfile/--ssl-keyfile`` (and without TLS).

Correct behaviour (``fixed``): the server answers HTTPS requests verified against
the run's CA, and after an edit of app.py the new code answers (reload works
with TLS). The failure (``reproduces``): the reloader crashes before serving,
kind ``pickle-sslcontext`` (the SSLContext is pickled for the spawned child:
``TypeError: cannot pickle 'SSLContext' object``) or kind ``config-no-ssl``
(``AttributeError: 'Config' object has no attribute 'ssl'``, which also breaks
a plain ``--reload`` run: the ``plain-reload`` scenario).

The workarounds for releases that cannot be upgraded:

- ``fix-drop-reload`` (0.5.0-0.7.2): TLS without ``--reload`` serves HTTPS, and
  ``--reload`` on plain HTTP serves and reloads an edit. ``fixed`` only when
  both do; on 0.7.3/0.8.0 the plain reload crashes (``config-no-ssl``), as the
  entry says.
- ``fix-single-process`` (0.7.3-0.8.0): one process with TLS, no ``--reload``
  or ``--workers``, serves HTTPS; after an edit it is stopped and started again
  by hand and serves the new code (``fixed``).
"""

from __future__ import annotations

from troubleshoot.harness.api import Launch, Run, Verdict, scenario

# --reload appeared on the CLI with the spawn-based reloader in 0.5.0.
RELEASES = ">=0.5.0"

SIGNS = {
    "pickle-sslcontext": r"TypeError: can(no|')t pickle '?SSLContext'? object[^\n]*",
    "config-no-ssl": r"AttributeError: 'Config' object has no attribute 'ssl'[^\n]*",
}


def _served(launch: Launch) -> str:
    return "\n".join(launch.lines(r"(?i)running on|listening|reload")[:4])


@scenario("ssl-reload", tls=True)
@scenario("plain-reload", tls=False)
def _reload_serves(run: Run, tls: bool) -> Verdict:
    launch = run.launch_cli("app:app", "--reload", tls=tls, timeout=20)
    started = launch.verdict(SIGNS, serves="serving", otherwise="other-crash")
    if started.kind != "serving":
        return started
    if not launch.edit_until_served("app.py", 'b"v1"', 'b"v2"', "v2"):
        return launch.reproduces("no-reload", "served, but never the edited code")
    how = "HTTPS (verified against the run's CA)" if tls else "HTTP"
    return launch.fixed(
        "serves-and-reloads", f"{how} served before and after a reload", _served(launch)
    )


@scenario("fix-drop-reload")
def fix_drop_reload(run: Run) -> Verdict:
    single = run.launch_cli("app:app", tls=True, timeout=20)
    if not single.serves():
        return single.reproduces("no-https", "TLS without --reload never served")
    single.stop()
    verdict = _reload_serves(run, tls=False)
    if verdict.outcome != "fixed":
        return verdict
    return single.fixed(
        "tls-or-reload",
        "TLS without --reload served HTTPS; --reload on plain HTTP served and reloaded",
        "\n".join([_served(single), verdict.excerpt]),
    )


@scenario("fix-single-process")
def fix_single_process(run: Run) -> Verdict:
    single = run.launch_cli("app:app", tls=True, timeout=20)
    if not single.serves("v1"):
        return single.reproduces("no-https", "one TLS process never served v1")
    run.step("editing app.py, then restarting the server by hand")
    run.write("app.py", run.path("app.py").read_text().replace('b"v1"', 'b"v2"'))
    if single.stop() is None:
        return single.reproduces("no-stop", "the server did not stop on SIGTERM")
    again = run.launch_cli("app:app", tls=True, port=single.port, name="restarted", timeout=20)
    if not again.serves("v2"):
        return again.reproduces("no-restart", "the restarted process never served the edit")
    return again.fixed(
        "single-process-restart",
        "one TLS process served HTTPS, and the edited code after a restart by hand",
        _served(again),
    )
