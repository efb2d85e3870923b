"""An app that writes generated code into the working directory at import
(a settings snapshot, a client generated from a schema, a build stamp)."""

import time
from pathlib import Path

from repro_apps import text

Path("build_info.py").write_text(f"BUILT_AT = {time.time()!r}\n")
app = text(b"ok", handles_lifespan=False)
