"""Put the installed uvicorn package folder first on sys.path, as running a file
from that folder does, and report which file ``import subprocess`` resolves to;
then import it and let any error print (the harness reads the output)."""

import importlib.util
import sys
from pathlib import Path

spec = importlib.util.find_spec("uvicorn")  # locates the package without running it
assert spec is not None and spec.origin is not None
sys.path.insert(0, str(Path(spec.origin).parent))
found = importlib.util.find_spec("subprocess")
print("subprocess resolves to", found.origin if found else None, flush=True)
import subprocess  # noqa: E402

print("imported subprocess from", subprocess.__file__, flush=True)
