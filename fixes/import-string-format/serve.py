"""uvicorn.run("main", ...): the import string lacks its ":attribute" part."""

import os

from doctor_sut import run

if __name__ == "__main__":
    target = os.environ.get("TARGET", "main")
    run(target, host="127.0.0.1", port=int(os.environ["PORT"]))
