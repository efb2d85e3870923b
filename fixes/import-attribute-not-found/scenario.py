"""import-attribute-not-found: the import string names an attribute the module lacks.

Two shapes of the mistake: ``main:app`` where the module binds ``application``
(scenario ``wrong-name``), and ``factory:app`` where the app is only built
inside ``create_app()`` (scenario ``factory-only``).

A user mistake with no server-side fix. ``reproduces`` means the server
printed this entry's message, ``Attribute "app" not found in module "..."``
(the kind carries the exit status). A server that refuses in its own words,
promptly, non-zero, naming the attribute (the reference server's
``app_load_failed``) is ``fixed`` (kind ``clean-error``); a hang, a serving
process or exit 0 is ``reproduces`` (kind ``other-failure``). The ``fix-*``
scenarios start the same files with the corrected import string (or
``--factory``) and are ``fixed`` when the app answers.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, not_applicable, reproduces, scenario, tail

RELEASES = ">=0.5.0"


def _refused(run: Run, target: str, module: str) -> Verdict:
    port = run.port()
    proc = run.start_cli(target, "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for `{target}` to exit or serve")
    state = run.exit_or_serve(proc, port, timeout=15)
    text, code = proc.output(), proc.returncode
    message = rf'[^\n]*Attribute "app" not found in module "{module}"[^\n]*'
    if state == "exited" and (found := re.search(message, text)):
        return reproduces(f"attribute-not-found-exit-{code}", f"exit {code} with the message", found[0])
    named = re.search(r"[^\n]*attribute[^\n]*'app'[^\n]*", text)
    if state == "exited" and code not in (0, None) and named:
        return fixed("clean-error", f"exit {code}: refuses, naming the attribute", named[0])
    return reproduces("other-failure", f"{state}, exit {code}", tail(text))


def _serves(run: Run, *args: str, body: str) -> Verdict:
    port = run.port()
    proc = run.start_cli(*args, "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for `{' '.join(args)}` to serve")
    state = run.exit_or_serve(proc, port, timeout=15)
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if state == "serving" and run.get(port).text == body:
        return fixed("serves", f"`{' '.join(args)}` serves the app", tail(text, 2))
    return reproduces("no-serve", f"{state}, exit {proc.returncode}", tail(text))


@scenario("wrong-name")
def wrong_name(run: Run) -> Verdict:
    return _refused(run, "main:app", "main")


@scenario("factory-only")
def factory_only(run: Run) -> Verdict:
    return _refused(run, "factory:app", "factory")


@scenario("fix-attribute-name")
def fix_attribute_name(run: Run) -> Verdict:
    return _serves(run, "main:application", body="served by main:application")


@scenario("fix-factory")
def fix_factory(run: Run) -> Verdict:
    return _serves(run, "factory:create_app", "--factory", body="served by factory:create_app")
