"""``gunicorn ARGS`` with the venv's interpreter (what the console script does)."""

import sys

from gunicorn.app.wsgiapp import run

if __name__ == "__main__":
    sys.exit(run())
