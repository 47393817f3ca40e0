"""What a server's log says: its last lines, the likely fix, the ranks that died.

mlx_lm.server writes everything to the log the kit gives it (under
`mlx.launch`, every rank's output and the launcher's warnings land there
too). When something fails, the error message quotes the end of the log and
a fix guessed from it.
"""

from __future__ import annotations

import re
from pathlib import Path


def read_tail(path: Path | None, n: int = 20) -> str:
    """The last `n` lines of the log at `path`; '' when there is none."""
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-n:])


def hint_from_log(log: str) -> str:
    """A likely fix for the failures that show up in mlx_lm.server logs."""
    if "Address already in use" in log:
        return "another process took the port; start again without a fixed port or stop it"
    if "not supported" in log and "Model type" in log:
        return "mlx_lm does not know this model_type; check config.json or upgrade mlx-lm"
    if "JSONDecodeError" in log or "Expecting value" in log:
        return "a JSON file in the model directory is corrupt; re-create or re-download it"
    if "chat_template" in log or "chat template" in log:
        return "the model has no usable chat template; pass one with `--template qwen3.6`"
    return "read the log lines above; `agentkit doctor` checks the installation"


def dead_ranks(log: str) -> str:
    """', rank 1 exited with code -9' from mlx.launch's warnings in a server log; '' for none."""
    found = re.findall(r"Node with rank (\d+) (exited with code -?\d+|was killed)", log)
    return "".join(f", rank {rank} {what}" for rank, what in dict(found).items())
