"""Install httptools from source on a machine without a working C compiler.

This is what ``pip install "uvicorn[standard]"`` does where no wheel matches
the interpreter or platform (a brand-new CPython, Alpine/musl, PyPy, an old
pin): it falls back to the sdist and compiles it. ``CC``/``CXX`` name a compiler
that does not exist; the package goes to ./deps (never into
the shared release environment).
"""

import os
import shutil
import subprocess
import sys

MISSING = "/nonexistent/bin/gcc"  # a compiler that is not there
env = {**os.environ, "CC": MISSING, "CXX": MISSING, "LDSHARED": MISSING}
cmd = [
    shutil.which("uv") or "uv", "pip", "install", "--python", sys.executable,
    "--target", "deps", "--no-binary", "httptools", "--no-cache", "httptools==0.6.4",
]
done = subprocess.run(cmd, env=env, stderr=subprocess.STDOUT, stdout=subprocess.PIPE, text=True)
print(done.stdout)
print(f"install exit status: {done.returncode}")
sys.exit(done.returncode)
