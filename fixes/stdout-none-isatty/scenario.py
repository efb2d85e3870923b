"""stdout-none-isatty: the server is started while ``sys.stdout`` is None.

- ``stdout-none``: ``serve.py`` sets ``sys.stdout = None`` (what pythonw and
  windowed PyInstaller builds do) and calls ``run("app:app")``. ``fixed`` when
  the app serves; ``reproduces`` (kind ``isatty-none``) when start-up dies with
  ``'NoneType' object has no attribute 'isatty'`` (uvicorn's default log
  formatter asks the stream whether it is a terminal).
- ``fix-use-colors``: the same with ``use_colors=False`` (uvicorn only; the
  reference server has no colour option and needs none).
- ``fix-devnull``: ``sys.stdout`` replaced by ``open(os.devnull, "w")`` instead.

Anything else is ``reproduces`` (kind ``other-failure``).
"""

from __future__ import annotations

from troubleshoot.harness.api import Run, Verdict, not_applicable, scenario

# The ColourizedFormatter with its isatty() default exists since 0.10.x; older
# releases are still run, so bisect can show where it starts.
RELEASES = ">=0.5.0"

SIGNS = {"isatty-none": r"[^\n]*'NoneType' object has no attribute 'isatty'[^\n]*"}


@scenario("stdout-none", "none")
@scenario("fix-use-colors", "use-colors")
@scenario("fix-devnull", "devnull")
def _decide(run: Run, fix: str) -> Verdict:
    launch = run.launch_script("serve.py", env={"FIX": fix})
    if (na := launch.unsupported()) is not None:
        return na
    if launch.find(r"unexpected keyword argument 'use_colors'"):
        return not_applicable("this release has no use_colors option (added in 0.10.9, #502)")
    if launch.serves("served without a console"):  # serving wins over a sign seen too
        return launch.fixed("serves")
    return launch.verdict(SIGNS)
