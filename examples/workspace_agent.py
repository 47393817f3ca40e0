"""A workspace agent: ReAct with list_files, read_file and write_file in a sandbox folder.

    python examples/workspace_agent.py                    # toy-dense, a fresh temporary workspace
    python examples/workspace_agent.py --model toy-moe --parser raw
    python examples/workspace_agent.py --workspace ./scratch --task "Write 'hello' to hi.txt."

The file tools are jailed to the workspace: absolute paths, `..` and symlinks
that lead out are refused, and the refusal goes back to the model as an
observation. The workspace starts with a few files; after each task the
script checks the folder itself, not only what the model says: a copy must
exist with the same text, a written file must hold the text asked for.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from agentkit.agents import AgentConfig, AgentLimitError, run_agent
from agentkit.client import OpenAIClient
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import ToolBox, make_workspace_tools
from agentkit.trace import Trace, Tracer
from agentkit.trace.show import TraceView
from agentkit.trace.verdict import judge

FILES = {
    "agenda.txt": "The review moved to Thursday at 2 pm.",
    "reports/summary.txt": "Sales grew 4 percent in March.",
    "reports/notes.txt": "Call the printer about the invoice.",
}


def read(root: Path, name: str) -> str | None:
    path = root / name
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


# (task, check(workspace, answer) -> bool): the state of the folder is the proof.
TASKS: list[tuple[str, Callable[[Path, str], bool]]] = [
    ("What files are in reports?", lambda root, answer: "summary.txt" in answer and "notes.txt" in answer),
    ("What does agenda.txt say?", lambda root, answer: "Thursday" in answer),
    ("Copy agenda.txt to backup.txt.", lambda root, answer: read(root, "backup.txt") == FILES["agenda.txt"]),
    ("Write 'Buy oat milk' to shopping.txt.", lambda root, answer: read(root, "shopping.txt") == "Buy oat milk"),
]


def seed(root: Path) -> None:
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description="ReAct with sandboxed file tools.")
    add_endpoint_arguments(parser)
    parser.add_argument("--thinking", choices=["on", "off"], default="off")
    parser.add_argument("--parser", choices=["server", "raw"], default="server")
    parser.add_argument("--workspace", type=Path, default=None, help="folder to work in (default: a fresh temp one)")
    parser.add_argument("--task", default=None, help="run this instead of the built-in tasks (not checked)")
    args = parser.parse_args()
    root = args.workspace or Path(tempfile.mkdtemp(prefix="agentkit-workspace-"))
    root.mkdir(parents=True, exist_ok=True)
    seed(root)
    tasks = [(args.task, None)] if args.task else TASKS
    config = AgentConfig(thinking=args.thinking == "on", parser=args.parser, max_tokens=512)
    toolbox = ToolBox(make_workspace_tools(root))
    console = Console()
    view = TraceView(console)
    right = 0
    console.print(f"workspace: {root}", highlight=False, soft_wrap=True)
    with endpoint_from_args(args) as endpoint:
        client = OpenAIClient(endpoint)
        for task, check in tasks:
            tracer = Tracer(on_event=view.event, on_delta=view.delta)
            try:
                answer = run_agent("react", client, toolbox, task, config, tracer, model_name=endpoint.label).answer
            except AgentLimitError as stopped:
                answer = f"(stopped: {stopped.message})"
            if check is not None:
                # Right needs both: the folder as asked, and no problem in how the run got there.
                verdict = judge(Trace(events=tracer.events))
                ok = check(root, answer) and verdict.ok
                right += ok
                console.print(f"check: {'right' if ok else 'wrong'} (verdict: {verdict.status_line()})\n",
                              highlight=False, markup=False)
    console.print("files now: " + ", ".join(sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())),
                  highlight=False)
    if not args.task:
        console.print(f"checked: {right}/{len(tasks)} tasks left the workspace as asked, with no problem in the "
                      "run verdict", highlight=False)
    if args.workspace is None:
        shutil.rmtree(root)  # ours, made for this run; pass --workspace to keep the files
    return 0


if __name__ == "__main__":
    sys.exit(main())
