"""Load ``fixes/<folder>/scenario.py`` and run its scenarios against one server.

The repro folder is copied into a fresh temporary directory (edits never touch
the repository); the scenario runs there; then every process group it started
is stopped and checked for survivors, and the directory is removed unless
``keep``. A scenario that raises, or leaves processes behind, yields ``error``.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib.util
import platform
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from packaging.specifiers import SpecifierSet

from troubleshoot.config import COMMON_FIXES
from troubleshoot.errors import HarnessError
from troubleshoot.evidence import EvidenceRecord
from troubleshoot.harness.api import Extras, Run, ScenarioFn
from troubleshoot.harness.servers import PreparedServer, ServerSpec, Unavailable, prepare
from troubleshoot.harness.verdict import Verdict, harness_error, not_applicable
from troubleshoot.schema import SLUG

SCENARIO_FILE = "scenario.py"
_NOT_COPIED = shutil.ignore_patterns(SCENARIO_FILE, "__pycache__", "*.pyc", ".*")

Reporter = Callable[[str], None]


@dataclass(frozen=True)
class Scenario:
    name: str
    fn: ScenarioFn
    requires: Callable[[ServerSpec], str | None] | None
    extras: Extras | None = None  # None: the module's EXTRAS


@dataclass(frozen=True)
class LoadedRepro:
    """One fixes/<folder>: its scenarios and the releases they can run on."""

    entry_id: str
    folder: Path
    scenarios: tuple[Scenario, ...]
    releases: SpecifierSet  # uvicorn releases where the trigger exists at all
    platforms: tuple[str, ...]
    doc: str
    extras: Extras = dataclasses.field(default_factory=dict)  # the module's EXTRAS

    def extras_for(self, scen: Scenario, version: str | None) -> tuple[str, ...]:
        """The requirements to install next to uvicorn ``version`` for ``scen``:
        every entry of its extras whose release range contains the version."""
        table = self.extras if scen.extras is None else scen.extras
        if version is None:
            return ()
        chosen: list[str] = []
        for releases, requirements in table.items():
            if SpecifierSet(releases).contains(version, prereleases=True):
                chosen += [r for r in requirements if r not in chosen]
        return tuple(chosen)


@dataclass(frozen=True)
class Result:
    entry_id: str
    scenario: str
    server: str  # "reference" | "uvicorn"
    version: str
    python: str
    platform: str
    verdict: Verdict
    seconds: float
    kept: Path | None = None

    def evidence(self) -> EvidenceRecord:
        return EvidenceRecord(
            server=self.server,
            version=self.version,
            python=self.python,
            platform=self.platform,
            outcome=self.verdict.outcome,
            date=datetime.date.today().isoformat(),
            scenario=self.scenario,
            excerpt=self.verdict.excerpt or self.verdict.reason,
        )


def this_platform() -> str:
    """``linux-x86_64``: the platform column of the evidence."""
    return f"{sys.platform}-{platform.machine()}"


def load_repro(fixes_dir: Path, entry_id: str, folder: str | None = None) -> LoadedRepro:
    """Import the folder's scenario module (a fresh module object each time)."""
    name = folder or entry_id
    if not SLUG.match(name):
        # an entry id is a slug: "../../x" must not import a scenario outside fixes/
        raise HarnessError(f"no repro for {entry_id!r}: not an entry id (see `doctor list`)")
    where = fixes_dir / name
    path = where / SCENARIO_FILE
    if not path.is_file():
        raise HarnessError(f"no repro for {entry_id!r}: {path} does not exist")
    module = _import(path, f"doctor_scenario_{entry_id.replace('-', '_')}")
    found = [
        Scenario(case.name, case.bind(fn), case.requires, case.extras)
        for fn in vars(module).values()
        if callable(fn)
        for case in getattr(fn, "__doctor_cases__", ())
    ]
    names = [s.name for s in found]
    if twice := sorted({name for name in names if names.count(name) > 1}):
        raise HarnessError(f"{path}: more than one scenario named {', '.join(twice)}")
    if not found:
        raise HarnessError(f"{path} defines no @scenario function")
    releases = getattr(module, "RELEASES", "")
    platforms = tuple(getattr(module, "PLATFORMS", ("linux", "darwin", "win32")))
    extras = dict(getattr(module, "EXTRAS", {}))
    return LoadedRepro(
        entry_id,
        where,
        tuple(found),
        SpecifierSet(releases),
        platforms,
        module.__doc__ or "",
        extras,
    )


def _import(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise HarnessError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise HarnessError(f"{path}: {type(exc).__name__}: {exc}") from exc
    return module


def run_repro(
    repro: LoadedRepro,
    spec: ServerSpec,
    *,
    only: str | None = None,
    keep: bool = False,
    report: Reporter = lambda _: None,
) -> list[Result]:
    """Run every scenario (or ``only`` one) of ``repro`` against ``spec``."""
    chosen = [s for s in repro.scenarios if only is None or s.name == only]
    if not chosen:
        names = ", ".join(s.name for s in repro.scenarios)
        raise HarnessError(f"{repro.entry_id} has no scenario {only!r} (it has: {names})")
    skip = _skip_reason(repro, spec)
    if skip is not None:
        return [_result(repro, s, spec, not_applicable(skip), python="-") for s in chosen]
    declined = {s.name: s.requires(spec) for s in chosen if s.requires is not None}
    if all(declined.get(s.name) for s in chosen):
        return [
            _result(repro, s, spec, not_applicable(declined[s.name] or ""), python="-")
            for s in chosen
        ]
    prepared: dict[tuple[str, ...], PreparedServer | Unavailable | HarnessError] = {}
    results = []
    for scen in chosen:
        wanted = spec.kind == "uvicorn" and not declined.get(scen.name)
        extras = repro.extras_for(scen, spec.version) if wanted else ()
        if extras not in prepared:
            shown = f" with {', '.join(extras)}" if extras else ""
            report(f"preparing {spec.label}{shown}")
            try:
                prepared[extras] = prepare(spec, extras)
            except HarnessError as exc:
                prepared[extras] = exc
        server = prepared[extras]
        if isinstance(server, HarnessError):
            results.append(_result(repro, scen, spec, harness_error(server.message), python="-"))
        elif isinstance(server, Unavailable):
            verdict = not_applicable(server.reason)
            results.append(_result(repro, scen, spec, verdict, python=server.python))
        elif reason := declined.get(scen.name):
            verdict = not_applicable(reason)
            results.append(_result(repro, scen, server, verdict, python=server.python_version))
        else:
            results.append(_run_one(repro, scen, server, keep, report))
    return results


def _skip_reason(repro: LoadedRepro, spec: ServerSpec) -> str | None:
    plat = sys.platform
    if plat not in repro.platforms:
        return f"this repro runs on {', '.join(repro.platforms)}, not {plat}"
    version = spec.version
    if (
        spec.kind == "uvicorn"
        and version is not None
        and str(repro.releases)
        and not repro.releases.contains(version, prereleases=True)
    ):
        return (
            f"the trigger does not exist in uvicorn {version} "
            f"(the scenario covers uvicorn{repro.releases})"
        )
    return None


def _run_one(
    repro: LoadedRepro, scen: Scenario, server: PreparedServer, keep: bool, report: Reporter
) -> Result:
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix=f"doctor-{repro.entry_id}-"))
    common = repro.folder.parent / COMMON_FIXES
    if common.is_dir():
        shutil.copytree(common, workdir, ignore=_NOT_COPIED, dirs_exist_ok=True)
    shutil.copytree(repro.folder, workdir, ignore=_NOT_COPIED, dirs_exist_ok=True)
    run = Run(server, workdir, report)
    report(f"scenario {scen.name} against {server.label} (Python {server.python_version})")
    try:
        verdict = scen.fn(run)
    except HarnessError as exc:
        verdict = harness_error(exc.message)
    except Exception as exc:
        verdict = harness_error(
            f"scenario {scen.name} raised {type(exc).__name__}: {exc}",
            traceback.format_exc(limit=-3),
        )
    finally:
        survivors = run.cleanup(keep)
    verdict = _scrub(verdict, workdir)
    if survivors:
        verdict = harness_error(
            "processes survived the scenario: " + "; ".join(survivors), verdict.excerpt
        )
    elapsed = time.monotonic() - started
    report(f"{scen.name}: {verdict.outcome} ({verdict.kind}) in {elapsed:.1f}s")
    kept = workdir if keep else None
    return _result(
        repro, scen, server, verdict, python=server.python_version, seconds=elapsed, kept=kept
    )


_ABSOLUTE = re.compile(r"(?:/[\w.+-]+)+/(site-packages|lib/python3\.\d+)/")


def _scrub(verdict: Verdict, workdir: Path) -> Verdict:
    """No machine paths in evidence: the run folder becomes ``.``, install paths short."""
    # the excerpt may have been cut inside the folder name: match its prefix too
    run_dir = re.compile(re.escape(str(workdir.parent)) + r"/doctor-[\w-]*")
    excerpt = run_dir.sub(".", verdict.excerpt.replace(str(workdir), "."))
    excerpt = _ABSOLUTE.sub(r"\1/", excerpt)
    return dataclasses.replace(verdict, excerpt=excerpt)


def _result(
    repro: LoadedRepro,
    scen: Scenario,
    server: PreparedServer | ServerSpec,
    verdict: Verdict,
    *,
    python: str,
    seconds: float = 0.0,
    kept: Path | None = None,
) -> Result:
    # no machine paths in evidence from any path (a failed install or --help too)
    verdict = dataclasses.replace(
        verdict,
        reason=_ABSOLUTE.sub(r"\1/", verdict.reason),
        excerpt=_ABSOLUTE.sub(r"\1/", verdict.excerpt),
    )
    if isinstance(server, PreparedServer):
        version = server.version
    elif server.kind == "reference":
        from reference_server import __version__ as version
    else:
        version = server.version or "-"
    return Result(
        repro.entry_id,
        scen.name,
        server.kind,
        version,
        python,
        this_platform(),
        verdict,
        seconds,
        kept,
    )
