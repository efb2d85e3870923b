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

from troubleshoot.harness.api import Run, Verdict, scenario

RELEASES = ">=0.5.0"


@scenario("wrong-name", "main:app", "main")
@scenario("factory-only", "factory:app", "factory")
def _refused(run: Run, target: str, module: str) -> Verdict:
    launch = run.launch_cli(target)
    sign = rf'[^\n]*Attribute "app" not found in module "{module}"[^\n]*'
    if launch.state == "exited" and (found := launch.find(sign)):
        return launch.reproduces(f"attribute-not-found-exit-{launch.code}", excerpt=found)
    return launch.verdict(refuses=r"[^\n]*attribute[^\n]*'app'[^\n]*", options=False)


@scenario("fix-attribute-name")
def fix_attribute_name(run: Run) -> Verdict:
    launch = run.launch_cli("main:application")
    return launch.verdict(serves="serves", body="served by main:application", otherwise="no-serve")


@scenario("fix-factory")
def fix_factory(run: Run) -> Verdict:
    launch = run.launch_cli("factory:create_app", "--factory")
    return launch.verdict(
        serves="serves", body="served by factory:create_app", otherwise="no-serve"
    )
