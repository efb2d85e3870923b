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

from troubleshoot.harness.api import Run, Verdict, releases, scenario

RELEASES = ">=0.6.0"
PLATFORMS = ("linux", "darwin")

EXTRA = r"[^\n]*Got unexpected extra arguments? \([^\n]*\)[^\n]*"
ADVICE = r"[^\n]*unrecognized arguments:[^\n]*"
ADDRESS = "--host 127.0.0.1 --port $PORT"
HAS_FORWARDED_ALLOW_IPS = releases(
    ">=0.10.0", "this release has no --forwarded-allow-ips (added in 0.10.0): no trigger"
)


@scenario(
    "unquoted-star",
    f"app:app --forwarded-allow-ips * {ADDRESS}",
    requires=HAS_FORWARDED_ALLOW_IPS,
)
@scenario("space-in-import-string", f"app: app {ADDRESS}")
@scenario("port-without-option", "app:app --host 127.0.0.1 $PORT")
@scenario("en-dash-option", f"app:app {ADDRESS} \u2013reload")
@scenario("doubled-command", f"uvicorn app:app {ADDRESS}")
def _refused(run: Run, line: str) -> Verdict:
    launch = run.launch_shell(line)
    if launch.state == "exited" and (found := launch.find(EXTRA)):
        number = "plural" if "arguments (" in found else "singular"
        return launch.reproduces(f"extra-argument-{number}-exit-{launch.code}", excerpt=found)
    return launch.verdict(refuses=ADVICE, options=False)


@scenario("fix-port-option", f"app:app {ADDRESS}")
def _serves(run: Run, line: str) -> Verdict:
    launch = run.launch_shell(line)
    return launch.verdict(serves="serves", body="served by app:app", otherwise="no-serve")


@scenario("fix-quoted-star", requires=HAS_FORWARDED_ALLOW_IPS)
def fix_quoted_star(run: Run) -> Verdict:
    if run.is_reference:  # no --forwarded-allow-ips there: the quoting is the point
        return _serves(run, "app:app --host '127.0.0.1' --port $PORT")
    return _serves(run, f"app:app --forwarded-allow-ips '*' {ADDRESS}")
