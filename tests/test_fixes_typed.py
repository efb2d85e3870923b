"""Every repro folder in fixes/ is type-checked by mypy like the package (strict).

One mypy run per folder: the folders' files share module names (``app``,
``scenario``), which mypy cannot hold twice in one run. The runs share one cache,
so each reads the harness API from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api

from tests.conftest import REPO

FOLDERS = sorted(p for p in (REPO / "fixes").iterdir() if (p / "scenario.py").is_file())


def test_every_repro_folder_is_found() -> None:
    assert len(FOLDERS) >= 70


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_repro_folder_type_checks(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    cache = tmp_path_factory.getbasetemp() / "mypy-fixes-cache"
    files = sorted(str(p) for p in folder.rglob("*.py"))
    out, err, status = api.run(
        ["--config-file", str(REPO / "pyproject.toml"), "--cache-dir", str(cache), *files]
    )
    assert status == 0, out + err
