"""Is a given installed version affected by an entry? PEP 440 ranges and PEP 508 markers.

``verdict`` is the one place that answers it, for the paste matcher (versions
read from the paste) and for ``check-env`` (versions of an environment).
``release_status`` is the same answer for a release with no environment given,
the one ``doctor list --version``, ``doctor show --version`` and the site give
("conditional": affected on some platforms or Pythons only, or only beside some
releases of another package, ``affected.needs``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from troubleshoot.pep440 import fast_contains
from troubleshoot.schema import Affected, Entry, Fix, Variant

Status = Literal["affected", "fixed", "not-affected", "unknown"]
ReleaseStatus = Literal["affected", "conditional", "fixed", "not-affected", "any-version"]
RELEASE_STATUSES: tuple[str, ...] = (
    "affected",
    "conditional",
    "fixed",
    "not-affected",
    "any-version",
)


@dataclass(frozen=True)
class Affectedness:
    status: Status
    package: str
    version: str | None
    reason: str
    affected: Affected | None = None  # the range that matched, when affected


def canonicalize_name(name: str) -> str:
    """PEP 503 normalised name (as packaging's, without importing it at start-up)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _marker_applies(marker: str | None, env: Mapping[str, str] | None) -> bool | None:
    """True/False when the marker can be evaluated for ``env``; None when it cannot."""
    if marker is None:
        return True
    if env is None:
        return None
    from packaging.markers import Marker, UndefinedComparison, UndefinedEnvironmentName

    try:
        return Marker(marker).evaluate(dict(env))
    except (UndefinedComparison, UndefinedEnvironmentName):
        return None


def contains(specifier: str, version: str) -> bool | None:
    """Is ``version`` in ``specifier``? None when the version cannot be read."""
    fast = fast_contains(specifier, version)
    if fast is not None:
        return fast
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        return SpecifierSet(specifier).contains(Version(version), prereleases=True)
    except InvalidVersion:
        return None


def verdict(
    entry: Entry, versions: Mapping[str, str], env: Mapping[str, str] | None = None
) -> Affectedness:
    """Decide whether ``versions`` (package -> version) fall in the entry's affected ranges."""
    package = canonicalize_name(entry.package)
    version = versions.get(package)
    if not entry.affected:
        return Affectedness("unknown", package, version, "the entry states no affected versions")
    if version is None:
        return Affectedness("unknown", package, None, f"no {package} version known")
    undecided = False
    for aff in entry.affected:
        if canonicalize_name(aff.package) != package:
            other = versions.get(canonicalize_name(aff.package))
            if other is None or not contains(aff.specifier, other):
                continue
        elif not contains(aff.specifier, version):
            if contains(aff.specifier, version) is None:
                return Affectedness("unknown", package, version, f"cannot read version {version!r}")
            continue
        applies = _marker_applies(aff.when, env)
        if applies is None:
            undecided = True
            continue
        if applies and _needs_hold(aff.needs, versions) is False:
            continue  # the pairing this range needs is ruled out by a known version
        if applies:
            where = f" when {aff.when}" if aff.when else ""
            return Affectedness(
                "affected",
                package,
                version,
                f"{package} {version} is in {aff.specifier}{where}",
                aff,
            )
    if undecided:
        return Affectedness(
            "unknown",
            package,
            version,
            "the affected range depends on the platform or Python, which is not known",
        )
    if entry.fixed_in and contains(f">={entry.fixed_in}", version):
        return Affectedness(
            "fixed", package, version, f"{package} {version} >= fixed release {entry.fixed_in}"
        )
    return Affectedness(
        "not-affected", package, version, f"{package} {version} is outside the affected ranges"
    )


def _needs_hold(needs: str | None, versions: Mapping[str, str]) -> bool | None:
    """Does the other distribution a range needs hold? None when its version is unknown."""
    if needs is None:
        return True
    from packaging.requirements import Requirement

    req = Requirement(needs)
    other = versions.get(canonicalize_name(req.name))
    if other is None:
        return None
    return contains(str(req.specifier), other) is not False


def variant_for(entry: Entry, version: str | None) -> Variant | None:
    """The version-specific explanation that applies to ``version``, if any."""
    if version is None:
        return None
    return next((v for v in entry.variants if contains(v.versions, version)), None)


def fixes_for(entry: Entry, version: str | None) -> list[Fix]:
    """Fix options, dropping those restricted to versions that do not apply."""
    return [
        f
        for f in entry.fixes
        if f.versions is None or version is None or contains(f.versions, version) is not False
    ]


def release_status(entry: Entry, version: str) -> ReleaseStatus:
    """``verdict`` for a release of the entry's package with no target environment.

    ``any-version``: the entry states no affected range (not version-specific);
    ``conditional``: a range holds the version only under a platform or Python
    marker. A version PEP 440 cannot read is not a release: ValueError.
    """
    if not entry.affected:
        return "any-version"
    result = verdict(entry, {canonicalize_name(entry.package): version})
    if result.status == "unknown":
        if contains(">=0", version) is None:
            raise ValueError(f"not a version: {version!r}")
        return "conditional"
    if result.status == "affected" and result.affected is not None and result.affected.needs:
        return "conditional"  # only beside some releases of another package
    return result.status
