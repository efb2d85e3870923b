"""Print the folder of the installed uvicorn package (run with the release's interpreter)."""

from pathlib import Path

import uvicorn

print(Path(uvicorn.__file__).resolve().parent)
