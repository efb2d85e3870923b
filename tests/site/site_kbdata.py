# ruff: noqa: E501  (TOML fixtures hold long lines on purpose)
"""The site-test KB: three ordinary entries, one hostile one, evidence, repro files."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

from troubleshoot.config import Settings

BASE_URL = "https://doctor.example.org/uvicorn"

ALPHA = '''
id = "alpha-pickle"
title = "Can't pickle local object with workers"
package = "uvicorn"
kind = "version-bug"
severity = "high"
tags = ["workers", "pickle"]
summary = "With `workers > 1` uvicorn pickles the app object; a local function cannot be pickled."
mechanism = """
Worker processes are *spawned*; the app crosses the process boundary by pickle.

# A heading at level one

### Then one at level three (must not skip a level on the page)
"""
prevention = "Always pass an import string."
fixed_in = "0.10.6"
related = ["beta-reload-windows"]
error = """
Traceback (most recent call last):
  File "/usr/lib/python3.8/multiprocessing/process.py", line 121, in start
AttributeError: Can't pickle local object 'make.<locals>.app'
"""

[conditions]
workers = true
app_object = true

[[affected]]
package = "uvicorn"
specifier = ">=0.10.1,<0.10.6"
status = "verified"

[[signatures]]
id = "pickle-local"
kind = "exception"
exc_type = "AttributeError"
message = "Can't pickle local object"
weight = 0.9
required = true

[[fixes]]
type = "code-change"
verified_by = "fix-import-string"
title = "Pass an import string"
body = """
```python
uvicorn.run("main:app", workers=2)
```
"""
when_not = "When the app cannot be imported by name (built in a closure at runtime)."

[[fixes]]
type = "upgrade"
title = "Upgrade to 0.10.6"
body = "0.10.6 refuses an app object with workers and says why."
when_not = "When you are pinned below 0.10.6 by another dependency."
versions = "<0.10.6"

[upstream]
issues = [478, 484]
prs = [481]
commits = ["0123456789abcdef0123456789abcdef01234567"]
release = "0.10.6"

[repro]
folder = "alpha-pickle"
platforms = ["linux", "darwin"]
'''

BETA = """
id = "beta-reload-windows"
title = "Reloader loses its child on Windows"
package = "uvicorn"
kind = "regression"
severity = "medium"
tags = ["reload", "windows"]
summary = "On Windows the reloader cannot stop its child."
mechanism = "The child is killed with a signal Windows does not have."
fixed_in = "0.12.0"
error = "OSError: [WinError 87] The parameter is incorrect"

[conditions]
reload = true
platform = "win32"

[[affected]]
package = "uvicorn"
specifier = ">=0.11.0,<0.12.0"
when = "sys_platform == 'win32'"

[[signatures]]
id = "winerror"
kind = "exception"
exc_type = "OSError"
message = 'WinError 87'
weight = 0.8

[[fixes]]
type = "upgrade"
title = "Upgrade to 0.12.0"
body = "pip install 'uvicorn>=0.12.0'"

[upstream]
issues = [684]
"""

GAMMA = """
id = "gamma-main-guard"
title = "Server starts twice without a main guard"
package = "uvicorn"
kind = "misuse"
severity = "low"
tags = ["reload", "workers"]
summary = "Without `if __name__ == '__main__':` each spawned process runs uvicorn.run again."
mechanism = "Spawned children import the main module."
error = "RuntimeError: An attempt has been made to start a new process before the current process has finished its bootstrapping phase."

[conditions]
main_guard_missing = true

[[signatures]]
id = "bootstrap"
kind = "exception"
exc_type = "RuntimeError"
message = "before the current process has finished its bootstrapping phase"
weight = 0.9

[[fixes]]
type = "code-change"
unverified = "a test fixture: no repro scenario applies this fix here"
title = "Add the main guard"
body = "Put the call under `if __name__ == \\"__main__\\":`."

[upstream]
issues = [1045]
"""

# Every field a user could write holds something that would run if it were not escaped.
HOSTILE = '''
id = "xss-probe"
title = "<script>window.__xss = 1; alert('title')</script> probe"
package = "uvicorn"
kind = "regression"
severity = "low"
tags = ["<b>xss</b>", "x\\" onmouseover=\\"alert(1)"]
summary = """Summary <script>alert(1)</script> and [a link](javascript:alert(2)) and <img src=x onerror=alert(3)> and [fine](https://example.org/ok)."""
mechanism = """[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) <a href="javascript:alert(4)">raw</a> [spaced](java\tscript:alert(5)) <javascript:alert(6)> [rel](../../index.html) [vb](vbscript:msgbox(1)) ![img](https://evil.example/x.png)"""
error = "</script><script>alert(7)</script>"
fixed_in = "1.0.0"

[[affected]]
package = "uvicorn"
specifier = ">0.1,<1.0.0"
note = "<i onclick=alert(8)>note</i>"

[[signatures]]
id = "probe"
kind = "log"
pattern = "</script><script>alert\\\\(9\\\\)</script>"
weight = 0.5

[[fixes]]
type = "workaround"
unverified = "a test fixture: no repro scenario applies this fix here"
title = "<style>body{display:none}</style> title"
body = """
```html
<script>alert(10)</script>
```
<iframe src="javascript:alert(11)"></iframe>
"""
when_not = "<svg onload=alert(12)>"

[[variants]]
versions = ">=0.5"
summary = "<script>alert(13)</script>"

[upstream]
repo = 'a/b" onmouseover="alert(14)'
issues = [1]
links = ["javascript:alert(15)", "https://example.org/fine", " JaVaScRiPt:alert(16)", "https://github.com/encode/uvicorn/issues/1"]

[repro]
folder = "xss-probe"
note = "<script>alert(17)</script>"
'''

ENTRIES = {
    "alpha-pickle": ALPHA,
    "beta-reload-windows": BETA,
    "gamma-main-guard": GAMMA,
    "xss-probe": HOSTILE,
}

EVIDENCE: dict[str, list[tuple[str, ...]]] = {
    "alpha-pickle": [
        ("0.10.0", "not-applicable", "2026-01-01"),
        ("0.10.1", "reproduces", "2026-01-02"),
        ("0.10.5", "reproduces", "2026-01-02"),
        ("0.10.6", "fixed", "2026-01-03"),
        ("0.10.3", "fixed", "2026-01-03", "fix-import-string"),
    ],
    "beta-reload-windows": [("0.11.0", "reproduces", "2025-12-24")],
}

# The test KB's release list (its message catalog has no messages): the version verdicts
# of the site are computed for these releases only.
RELEASES = [
    "0.9.0",
    "0.10.0",
    "0.10.1",
    "0.10.2",
    "0.10.3",
    "0.10.4",
    "0.10.5",
    "0.10.6",
    "0.11.0",
    "0.11.0.post1",
    "0.11.1",
    "0.11.2",
    "0.11.3",
    "0.12.0b1",
    "0.12.0",
    "0.13.0",
    "1.0.0",
]

ALPHA_APP = """import uvicorn


def make():
    async def app(scope, receive, send):
        pass

    return app


if __name__ == "__main__":
    uvicorn.run(make(), workers=2)  # fails: a local object cannot be pickled
"""


def write_site_kb(root: Path) -> Settings:
    """Write the site-test KB and repro folders under ``root``; return its Settings."""
    kb = root / "kb"
    (kb / "entries").mkdir(parents=True)
    (kb / "evidence").mkdir()
    for name, text in ENTRIES.items():
        (kb / "entries" / f"{name}.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    for name, runs in EVIDENCE.items():
        records = [
            {
                "server": "uvicorn",
                "version": run[0],
                "python": "3.8.18",
                "platform": "linux-x86_64",
                "outcome": run[1],
                "date": run[2],
                "scenario": run[3] if len(run) > 3 else "default",
            }
            for run in runs
        ]
        (kb / "evidence" / f"{name}.json").write_text(
            json.dumps({"entry": name, "records": records}), encoding="utf-8"
        )
    (kb / "catalog").mkdir()
    catalog = {"format": 1, "package": "uvicorn", "releases": RELEASES, "messages": []}
    (kb / "catalog" / "uvicorn.json").write_text(json.dumps(catalog), encoding="utf-8")
    fixes = root / "fixes"
    (fixes / "alpha-pickle" / "sub").mkdir(parents=True)
    (fixes / "alpha-pickle" / "main.py").write_text(ALPHA_APP, encoding="utf-8")
    (fixes / "alpha-pickle" / "scenario.toml").write_text(
        '[run]\nargs = ["--workers", "2"]\nexpect = "reproduces"\n', encoding="utf-8"
    )
    (fixes / "alpha-pickle" / "sub" / "notes file.txt").write_text("a space in the name\n")
    (fixes / "alpha-pickle" / "logo.bin").write_bytes(b"\x00\x01\x02binary")
    (fixes / "alpha-pickle" / "__pycache__").mkdir()
    (fixes / "alpha-pickle" / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"\x00")
    (fixes / "xss-probe").mkdir()
    (fixes / "xss-probe" / 'evil"<x>.py').write_text(
        "print('</script><script>alert(18)</script>')\n"
    )
    return Settings(kb_dir=kb, fixes_dir=fixes, db_path=root / "cache" / "kb.db")


@dataclass(frozen=True)
class Export:
    settings: Settings
    root: Path  # the exported site
    base_url: str | None
