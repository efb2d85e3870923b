"""Environment sources for ``doctor check-env``: one module per kind of input.

See :mod:`troubleshoot.sources.interface` for the records they yield.
"""

from troubleshoot.sources.interface import (
    EnvSource,
    MarkerEnv,
    Package,
    Record,
    Snapshot,
    UndecidedVersion,
    snapshot,
    target_env,
)

__all__ = [
    "EnvSource",
    "MarkerEnv",
    "Package",
    "Record",
    "Snapshot",
    "UndecidedVersion",
    "snapshot",
    "target_env",
]
