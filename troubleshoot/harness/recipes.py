"""How to install and run each uvicorn release here: interpreter era, pins, flags.

Solved per release range, once, in this table (each row verified by running the
seed repros against releases in its range). Old releases hard-pin uvloop and
httptools versions that no longer build, so they are installed without their
dependencies plus the pure-Python ones they need, and run on the asyncio loop
with h11 and no WebSocket implementation (``--loop asyncio --http h11 --ws none``,
each flag only where the release's ``--help`` lists that choice).
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.specifiers import SpecifierSet
from packaging.version import Version


@dataclass(frozen=True)
class Recipe:
    releases: str  # PEP 440 specifier of the uvicorn releases this row covers
    pythons: tuple[str, ...]  # interpreter minors, preferred first
    no_deps: bool = False
    pins: tuple[str, ...] = ()
    # (option, value) to pass when the release offers that choice
    pure_python_flags: tuple[tuple[str, str], ...] = ()

    def key(self) -> str:
        """Changes when the install recipe changes, so a cached venv is rebuilt."""
        deps = "nodeps" if self.no_deps else "deps"
        return "-".join([deps, *self.pins]).replace("==", "")


_PURE = (("--loop", "asyncio"), ("--http", "h11"), ("--ws", "none"))

RECIPES: tuple[Recipe, ...] = (
    Recipe(
        "<0.12",
        ("3.8", "3.7"),
        no_deps=True,
        pins=("click==7.1.2", "h11==0.8.1"),
        pure_python_flags=_PURE,
    ),
    Recipe(">=0.12,<0.19", ("3.8", "3.9")),
    Recipe(">=0.19,<0.23", ("3.10", "3.9")),
    Recipe(">=0.23,<0.34", ("3.11", "3.10")),
    Recipe(">=0.34", ("3.12", "3.11", "3.13")),
)


def recipe_for(version: str) -> Recipe:
    """The table row covering ``version``."""
    v = Version(version)
    for recipe in RECIPES:
        if SpecifierSet(recipe.releases).contains(v, prereleases=True):
            return recipe
    raise LookupError(f"no install recipe covers uvicorn {version}")  # the table is total
