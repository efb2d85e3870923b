import sys

from reference_server.cli import main

# The guard matters: spawned workers import this module again as __mp_main__.
if __name__ == "__main__":
    sys.exit(main())
