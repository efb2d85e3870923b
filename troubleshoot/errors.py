"""The errors uvicorn-doctor raises on purpose.

Every error a user can cause is a :class:`DoctorError`; the CLI catches it in
exactly one place (``troubleshoot.cli.main``), prints ``message`` and exits with
``exit_code``. Anything else escaping is a bug and keeps its traceback.

::

    DoctorError                 exit 2 unless stated
    ├── KBError                 the knowledge base cannot be loaded or built
    │   └── EntryInvalid        one entry breaks the schema (file, field, reason)
    ├── InputError              a paste, file or option the user gave is unusable
    ├── EnvSourceError          a requirements/lock file or interpreter cannot be read
    ├── HarnessError            the repro harness itself failed
    └── ExportError             the site export was refused or failed

Foreign exceptions (``tomllib``, ``packaging``, ``sqlite3``, ``subprocess``) are
translated where they are raised, so the message names the file, field or line.
"""

from __future__ import annotations

from dataclasses import dataclass


class DoctorError(Exception):
    """Base of every expected failure; rendered once, at the CLI edge."""

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class KBError(DoctorError):
    """The knowledge base could not be read, validated or compiled."""


@dataclass(frozen=True)
class Problem:
    """One schema violation: where it is and what is wrong."""

    file: str
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.reason}"


class EntryInvalid(KBError):
    """One or more entries violate the schema; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"knowledge base is invalid ({len(problems)} {noun}):\n{lines}")


class InputError(DoctorError):
    """What the user passed in (paste, file, option value) cannot be used."""


class EnvSourceError(DoctorError):
    """An environment source (requirements, lock file, interpreter) is unreadable."""


class HarnessError(DoctorError):
    """The repro harness could not run a scenario (not a verdict about uvicorn)."""


class ExportError(DoctorError):
    """The static site export was refused or failed."""
