"""The fix for app.py: control characters are dropped from user input before it
goes into a header (or refuse the request). Served in ``fix-strip-control-characters``."""

import re

from app import echo

CONTROL = re.compile(r"[\x00-\x1f\x7f]")

app = echo(lambda value: CONTROL.sub("", value))
