"""cli-unexpected-extra-arguments: words on the command line that no option takes.

A user mistake, not a server bug: click accepts one positional argument (APP)
and refuses the rest. Each scenario runs a start script's line through
``sh -c`` (the shell does the expansion a terminal or a shell-form CMD does):

- ``unquoted-star``: ``--forwarded-allow-ips *`` (the shell replaces ``*`` with
  the folder's file names; the first becomes the option's value);
- ``space-in-import-string``: ``app: app`` (two words);
- ``port-without-option``: ``--host 127.0.0.1 8000`` (the port with no ``--port``);
- ``en-dash-option``: ``–reload`` typed with an en dash (copied from a rendered
  page), which is not an option;
- ``doubled-command``: ``ENTRYPOINT ["uvicorn"]`` with ``CMD ["uvicorn",
  "app:app", ...]`` runs ``uvicorn uvicorn app:app ...``.

``reproduces`` means click's ``Got unexpected extra argument(s) (...)``; the
kind says singular or plural and the exit status. A server that refuses in its
own words, promptly and non-zero, naming the words it did not take (the
reference server's argparse ``unrecognized arguments``) is ``fixed``
(``clean-error``); serving, hanging or another error is ``reproduces``
(``other-failure``).

``fix-quoted-star`` quotes the star (``--forwarded-allow-ips '*'``);
``fix-port-option`` writes every value after its option (``--port P``) and
the import string as one word.
"""

from __future__ import annotations

import re
import shlex

from packaging.version import Version

from troubleshoot.harness.api import (
    Proc,
    Run,
    ServerSpec,
    Verdict,
    fixed,
    reproduces,
    scenario,
    tail,
)

RELEASES = ">=0.6.0"
PLATFORMS = ("linux", "darwin")

EXTRA = r"[^\n]*Got unexpected extra arguments? \([^\n]*\)[^\n]*"
ADVICE = r"[^\n]*unrecognized arguments:[^\n]*"


def _has_forwarded_allow_ips(spec: ServerSpec) -> str | None:
    if spec.version is not None and Version(spec.version) < Version("0.10.0"):
        return "this release has no --forwarded-allow-ips (added in 0.10.0): no trigger"
    return None


def _launch(run: Run, args: str) -> Proc:
    return run.start_script_env(
        "launch.py",
        SERVER_CMD=shlex.join(run.server.cli),
        SERVER_FLAGS=shlex.join(run.server.cli_flags),
        ARGS=args,
    )


def _refused(run: Run, args: str, port: int) -> Verdict:
    proc = _launch(run, args)
    run.step(f"waiting for `uvicorn {args}` to exit or serve")
    state = run.exit_or_serve(proc, port, timeout=15)
    text, code = proc.output(), proc.returncode
    if state == "exited" and (found := re.search(EXTRA, text)):
        number = "plural" if "arguments (" in found[0] else "singular"
        return reproduces(f"extra-argument-{number}-exit-{code}", f"exit {code}", found[0].strip())
    advice = re.search(ADVICE, text)
    if state == "exited" and code not in (0, None) and advice:
        return fixed("clean-error", f"exit {code}: names the words it did not take", advice[0])
    return reproduces("other-failure", f"{state}, exit {code}", tail(text))


def _serves(run: Run, args: str, port: int) -> Verdict:
    proc = _launch(run, args)
    run.step(f"waiting for `uvicorn {args}` to serve")
    state = run.exit_or_serve(proc, port, timeout=15)
    if state == "serving" and run.get(port).text == "served by app:app":
        return fixed("serves", f"`{args}` serves the app", tail(proc.output(), 2))
    return reproduces("no-serve", f"{state}, exit {proc.returncode}", tail(proc.output()))


@scenario("unquoted-star", requires=_has_forwarded_allow_ips)
def unquoted_star(run: Run) -> Verdict:
    port = run.port()
    return _refused(run, f"app:app --forwarded-allow-ips * --host 127.0.0.1 --port {port}", port)


@scenario("space-in-import-string")
def space_in_import_string(run: Run) -> Verdict:
    port = run.port()
    return _refused(run, f"app: app --host 127.0.0.1 --port {port}", port)


@scenario("port-without-option")
def port_without_option(run: Run) -> Verdict:
    port = run.port()
    return _refused(run, f"app:app --host 127.0.0.1 {port}", port)


@scenario("en-dash-option")
def en_dash_option(run: Run) -> Verdict:
    port = run.port()
    return _refused(run, f"app:app --host 127.0.0.1 --port {port} \u2013reload", port)


@scenario("doubled-command")
def doubled_command(run: Run) -> Verdict:
    port = run.port()
    return _refused(run, f"uvicorn app:app --host 127.0.0.1 --port {port}", port)


@scenario("fix-quoted-star", requires=_has_forwarded_allow_ips)
def fix_quoted_star(run: Run) -> Verdict:
    port = run.port()
    if run.is_reference:
        # the reference server has no --forwarded-allow-ips: the quoting is the point
        return _serves(run, f"app:app --host '127.0.0.1' --port {port}", port)
    return _serves(run, f"app:app --forwarded-allow-ips '*' --host 127.0.0.1 --port {port}", port)


@scenario("fix-port-option")
def fix_port_option(run: Run) -> Verdict:
    port = run.port()
    return _serves(run, f"app:app --host 127.0.0.1 --port {port}", port)
