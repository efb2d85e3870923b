"""Start the frozen executable in place of this process (same pid, same process group)."""

import os

os.execv("dist/server", ["dist/server"])
