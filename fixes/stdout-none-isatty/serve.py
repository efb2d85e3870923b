"""What pythonw.exe, a PyInstaller --noconsole build or a service without a
console do to the standard streams: sys.stdout (and sys.stderr) are None.

Here stdout is set to None before the server starts; FIX selects a fix
(``none``: no fix; ``devnull``: an open null device instead; ``use-colors``:
``use_colors=False``).
"""

import os
import sys

from doctor_sut import run

if __name__ == "__main__":
    fix = os.environ.get("FIX", "none")
    if fix == "devnull":
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115, PTH123 - lives as long as the process
    else:
        sys.stdout = None
    server_module = getattr(run, "func", run).__module__  # run may be a functools.partial
    uvicorn = server_module.startswith("uvicorn")
    options = {"use_colors": False} if fix == "use-colors" and uvicorn else {}
    run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]), **options)
