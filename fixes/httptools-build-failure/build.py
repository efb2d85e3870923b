"""Install httptools into ./deps (never into the shared release environment).

``python build.py`` (``no-compiler``): httptools 0.6.4 from its source
distribution, with ``CC``/``CXX`` naming a compiler that does not exist. This is
what ``pip install "uvicorn[standard]"`` does where no wheel matches the
interpreter or platform (a brand-new CPython, Alpine/musl, PyPy, an old pin):
it falls back to the sdist and compiles it.

``python build.py wheel``: the same machine without a compiler, but no pin and
no ``--no-binary``: the resolver picks an httptools release with a wheel for
this interpreter.

``python build.py compiler``: the pinned sdist again, with the machine's real C
compiler and this interpreter's headers.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

mode = sys.argv[1] if len(sys.argv) > 1 else "no-compiler"
MISSING = "/nonexistent/bin/gcc"  # a compiler that is not there
env = dict(os.environ)
if mode in ("no-compiler", "wheel"):
    env.update(CC=MISSING, CXX=MISSING, LDSHARED=MISSING)
if mode == "compiler":
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not headers.exists():
        print(f"DOCTOR-NA: this interpreter has no headers ({headers} is missing)")
        sys.exit(3)
pinned_sdist = ["--no-binary", "httptools", "--no-cache", "httptools==0.6.4"]
wanted = ["httptools"] if mode == "wheel" else pinned_sdist
uv = shutil.which("uv") or "uv"
cmd = [uv, "pip", "install", "--python", sys.executable, "--target", "deps", *wanted]
done = subprocess.run(
    cmd, check=False, env=env, stderr=subprocess.STDOUT, stdout=subprocess.PIPE, text=True
)
print(done.stdout)
print(f"install exit status: {done.returncode}")
sys.exit(done.returncode)
