"""Issue 15: click's usage errors of the uvicorn command stay apart from each other and
from uvicorn's own import-string error. The pastes are written here from what click and
uvicorn print (observed on the releases the repros ran), not copied."""

from __future__ import annotations

import pytest

from troubleshoot.diagnose import diagnose
from troubleshoot.kbstore import Store

USAGE = "Usage: uvicorn [OPTIONS] APP\nTry 'uvicorn --help' for help.\n\n"

CASES = [
    (USAGE + "Error: Missing argument 'APP'.\n", "cli-missing-app"),
    (
        'Usage: uvicorn [OPTIONS] APP\nTry "uvicorn --help" for help.\n\n'
        'Error: Missing argument "APP".\n',
        "cli-missing-app",
    ),
    (USAGE + "Error: Got unexpected extra argument (app)\n", "cli-unexpected-extra-arguments"),
    (
        USAGE + "Error: Got unexpected extra arguments (main.py requirements.txt start.sh)\n",
        "cli-unexpected-extra-arguments",
    ),
    (
        'ERROR:    Error loading ASGI app. Import string "" must be in format '
        '"<module>:<attribute>".\n',
        "import-string-format",
    ),
]
CLI = {"cli-missing-app", "cli-unexpected-extra-arguments", "import-string-format"}


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_each_usage_error_is_its_own_entry(text: str, expected: str, real_store: Store) -> None:
    result = diagnose(text, real_store, use_environment=False)
    matches = [m.entry.id for m in result.matches]
    assert matches[:1] == [expected], matches
    others = CLI - {expected}
    assert not others & set(matches + [m.entry.id for m in result.likely])
