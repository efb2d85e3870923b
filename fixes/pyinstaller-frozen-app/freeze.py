"""Freeze server.py with the PyInstaller of this environment (one-file build).

Arguments after the script name are passed to PyInstaller (e.g.
``--collect-submodules uvicorn``). The executable is ./dist/server.
"""

import subprocess
import sys

cmd = [
    sys.executable,
    "-m",
    "PyInstaller",
    "--onefile",
    "--noconfirm",
    "--clean",
    "--log-level",
    "WARN",
    *sys.argv[1:],
    "server.py",
]
sys.exit(subprocess.run(cmd, check=False).returncode)
