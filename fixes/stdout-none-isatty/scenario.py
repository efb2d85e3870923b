"""stdout-none-isatty: the server is started while ``sys.stdout`` is None.

- ``stdout-none``: ``serve.py`` sets ``sys.stdout = None`` (what pythonw and
  windowed PyInstaller builds do) and calls ``run("app:app")``. ``fixed`` when
  the app serves; ``reproduces`` (kind ``isatty-none``) when start-up dies with
  ``'NoneType' object has no attribute 'isatty'`` (uvicorn's default log
  formatter asks the stream whether it is a terminal).
- ``fix-use-colors``: the same with ``use_colors=False`` (uvicorn only; the
  reference server has no colour option and needs none).
- ``fix-devnull``: ``sys.stdout`` replaced by ``open(os.devnull, "w")`` instead.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, not_applicable, reproduces, scenario, tail

# The ColourizedFormatter with its isatty() default exists since 0.10.x; older
# releases are still run, so bisect can show where it starts.
RELEASES = ">=0.5.0"

ISATTY = r"[^\n]*'NoneType' object has no attribute 'isatty'[^\n]*"


def _decide(run: Run, fix: str) -> Verdict:
    port = run.port()
    proc = run.start_script_env("serve.py", PORT=str(port), FIX=fix)
    run.step(f"waiting for serve.py (stdout None, fix={fix or 'none'}) to serve or exit")
    state = run.exit_or_serve(proc, port, timeout=15)
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if re.search(r"unexpected keyword argument 'use_colors'", text):
        return not_applicable("this release has no use_colors option (added in 0.10.9, #502)")
    if state == "serving" and run.get(port).text == "served without a console":
        return fixed("serves", "serves with sys.stdout None", tail(text, 2))
    if found := re.search(ISATTY, text):
        lines = [found[0].strip()]
        if more := re.search(r"[^\n]*Unable to configure formatter[^\n]*", text):
            lines.append(more[0].strip())
        return reproduces("isatty-none", f"{state}, exit {proc.returncode}", "\n".join(lines))
    return reproduces("other-failure", f"{state}, exit {proc.returncode}", tail(text))


@scenario("stdout-none")
def stdout_none(run: Run) -> Verdict:
    return _decide(run, "")


@scenario("fix-use-colors")
def fix_use_colors(run: Run) -> Verdict:
    return _decide(run, "use-colors")


@scenario("fix-devnull")
def fix_devnull(run: Run) -> Verdict:
    return _decide(run, "devnull")
