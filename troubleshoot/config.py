"""Where the knowledge base and its compiled database live, resolved once.

``Settings.resolve()`` reads the environment and CLI overrides one time; the
result is passed down to the services. Lookup order for the KB sources:
``--kb-dir`` / ``DOCTOR_KB_DIR``, then a source checkout (``<repo>/kb``), then
the copy inside the installed wheel (``troubleshoot/_data/kb``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from troubleshoot.errors import KBError

_PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    checkout = _PACKAGE_DIR.parent / name
    if (checkout / ".doctor-data").is_file():
        return checkout
    return _PACKAGE_DIR / "_data" / name


def cache_dir() -> Path:
    """``DOCTOR_CACHE_DIR``, else ``~/.cache/uvicorn-doctor`` (XDG respected): the one
    place that reads them (the KB database, the harness, the catalog sources)."""
    if explicit := os.environ.get("DOCTOR_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "uvicorn-doctor"


def envs_dir() -> Path:
    """``DOCTOR_ENVS_DIR`` (a CI cache), else ``<cache>/envs``: the harness's venvs."""
    if explicit := os.environ.get("DOCTOR_ENVS_DIR"):
        return Path(explicit)
    return cache_dir() / "envs"


# fixes/_common: shared repro files, copied into every run and published with the
# repros that import them
COMMON_FIXES = "_common"


@dataclass(frozen=True)
class Settings:
    kb_dir: Path
    fixes_dir: Path
    db_path: Path
    # Where the exported fix pages are published (``DOCTOR_SITE_URL``): reports
    # link each entry's own page there (SARIF helpUri, the tool's informationUri).
    site_url: str | None = None

    @property
    def entries_dir(self) -> Path:
        return self.kb_dir / "entries"

    @property
    def evidence_dir(self) -> Path:
        return self.kb_dir / "evidence"

    @classmethod
    def resolve(cls, kb_dir: Path | None = None, db_path: Path | None = None) -> Settings:
        kb = kb_dir or (Path(env) if (env := os.environ.get("DOCTOR_KB_DIR")) else _data_dir("kb"))
        if not (kb / "entries").is_dir():
            raise KBError(f"no knowledge base at {kb} (expected an 'entries' folder there)")
        fixes = kb.parent / "fixes" if (kb.parent / "fixes").is_dir() else _data_dir("fixes")
        if db_path is None:
            # One compiled DB per KB location, so a test KB never evicts the real one.
            import hashlib

            tag = hashlib.sha256(str(kb.resolve()).encode()).hexdigest()[:12]
            db_path = cache_dir() / f"kb-{tag}.db"
        site_url = None
        if raw := os.environ.get("DOCTOR_SITE_URL"):
            from troubleshoot.site.urls import normalize_base_url

            site_url = normalize_base_url(raw, name="DOCTOR_SITE_URL")
        return cls(kb_dir=kb, fixes_dir=fixes, db_path=db_path, site_url=site_url)
