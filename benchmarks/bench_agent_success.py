"""Success rate of each agent pattern on its example tasks, per toy model, thinking off and on.

    python benchmarks/bench_agent_success.py                      # toy-dense and toy-moe, ~4 minutes on 2 cores
    python benchmarks/bench_agent_success.py --models toy-dense --thinking off

Runs the examples as a learner would (`python examples/NAME.py`), against one
mlx_lm.server per model started here, and reads the `checked: N/M` line each
example prints after checking its own answers (facts in the answer, real
citations, files in the workspace). Patterns:

- react: examples/weather_units.py, notes_researcher.py, workspace_agent.py
- reflection: examples/weather_units.py --pattern reflection
- plan: examples/planner.py
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from agentkit.serving.server import ManagedServer

REPO_ROOT = Path(__file__).resolve().parent.parent
CHECKED = re.compile(r"checked: (\d+)/(\d+) ")
RUNS = [
    ("react", "weather_units.py", []),
    ("react", "notes_researcher.py", []),
    ("react", "workspace_agent.py", []),
    ("reflection", "weather_units.py", ["--pattern", "reflection"]),
    ("plan", "planner.py", []),
]


def run_example(script: str, extra: list[str], server: ManagedServer, thinking: str) -> tuple[int, int]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, f"examples/{script}", *extra, "--url", server.base_url,
                           "--model", server.model_id, "--thinking", thinking],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)
    found = CHECKED.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"{script} {extra} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    right, total = map(int, found.groups())
    return right, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["toy-dense", "toy-moe"])
    parser.add_argument("--thinking", nargs="+", choices=["off", "on"], default=["off", "on"])
    args = parser.parse_args()
    columns = [(model, thinking) for model in args.models for thinking in args.thinking]
    scores: dict[tuple[str, str, str], tuple[int, int]] = {}
    for model in args.models:
        with ManagedServer(model) as server:
            for thinking in args.thinking:
                for pattern, script, extra in RUNS:
                    scores[(f"{pattern}: {script}", model, thinking)] = run_example(script, extra, server, thinking)
                    print(f"{model} thinking {thinking}: {pattern} {script} "
                          f"{'/'.join(map(str, scores[(f'{pattern}: {script}', model, thinking)]))}", flush=True)
    header = f"{'pattern: example':<34}" + "".join(f"{m + ' ' + t:>18}" for m, t in columns)
    print("\n" + header)
    for pattern, script, _ in RUNS:
        row = f"{pattern}: {script}"
        print(f"{row:<34}" + "".join(f"{'%d/%d' % scores[(row, m, t)]:>18}" for m, t in columns))
    for pattern in dict.fromkeys(p for p, _, _ in RUNS):
        cells = []
        for model, thinking in columns:
            parts = [scores[(f"{p}: {s}", model, thinking)] for p, s, _ in RUNS if p == pattern]
            right, total = sum(r for r, _ in parts), sum(t for _, t in parts)
            cells.append(f"{right}/{total} {100 * right / total:.0f}%")
        print(f"{'total ' + pattern:<34}" + "".join(f"{c:>18}" for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
