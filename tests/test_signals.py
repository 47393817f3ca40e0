"""An interrupt caught and cleaned up after exits 130, however CPython saw it.

CPython notes a KeyboardInterrupt as unhandled when it leaves code that exec()
runs from a string (a dataclass being built during a lazy import), even if the
program catches it later, and under `python -m` it then dies by SIGINT at
exit. `forget_interrupt()` clears that note. The interrupt here is raised
inside exec() on purpose: a SIGTERM lands there only now and then (about 1 in
20 runs of `agentkit bench speed` on a loaded 2-core machine).
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PROGRAM = """
import sys
from agentkit.serving.signals import forget_interrupt

def main():
    try:
        exec("raise KeyboardInterrupt")  # as a dataclass's exec() does when the signal lands in it
    except KeyboardInterrupt:
        {forget}
        return 130

sys.exit(main())
"""


@pytest.mark.parametrize(("forget", "expected"), [("forget_interrupt()", 130), ("pass", -signal.SIGINT)])
def test_an_interrupt_caught_after_exec_exits_130_once_forgotten(forget, expected, tmp_path):
    (tmp_path / "interrupted.py").write_text(PROGRAM.format(forget=forget))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "interrupted"], cwd=tmp_path, env=env, capture_output=True, text=True)
    if forget == "pass" and done.returncode == 130:
        pytest.skip("this CPython no longer dies by SIGINT here (3.11 to 3.13 do)")
    assert done.returncode == expected, done.stderr
    assert "Traceback" not in done.stderr
