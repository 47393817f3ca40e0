"""A planner that chains several tools: Plan-and-Execute on multi-step tasks.

    python examples/planner.py                            # toy-dense, started for you
    python examples/planner.py --model toy-moe --no-replan
    python examples/planner.py --task "Add up the temperatures of Rome and Cairo."

The planner writes the steps as JSON, each step runs as its own small ReAct
run that sees the results of the steps before it, the replanner may change
the steps still to come, and a last request writes the answer from the step
results. Each task here needs two or three tools in a row, and the answer is
checked against the facts it must contain.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile

from rich.console import Console

from agentkit.agents import AgentConfig, run_agent
from agentkit.client import OpenAIClient
from agentkit.errors import AgentkitError
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import example_tools
from agentkit.trace import Trace, Tracer
from agentkit.trace.show import TraceView
from agentkit.trace.verdict import judge

# (task, strings the answer must contain). Paris is 12 °C and Rome 20 °C (see
# agentkit/tools/weather.py: the weather is a hash of the city's name).
TASKS = [
    ("Add up the temperatures of Paris and Rome.", ["32"]),
    ("What is the temperature in Lisbon in kelvin?", ["307.15"]),
    ("Add 12 and 30, then multiply the result by 3.", ["126"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description="Plan-and-Execute on tasks that chain tools.")
    add_endpoint_arguments(parser)
    parser.add_argument("--thinking", choices=["on", "off"], default="off")
    parser.add_argument("--parser", choices=["server", "raw"], default="server")
    parser.add_argument("--no-replan", action="store_true", help="run the first plan as it is")
    parser.add_argument("--task", default=None, help="run this instead of the built-in tasks (not checked)")
    args = parser.parse_args()
    tasks = [(args.task, [])] if args.task else TASKS
    config = AgentConfig(thinking=args.thinking == "on", parser=args.parser, max_tokens=512,
                         replan=not args.no_replan)
    workspace = tempfile.mkdtemp(prefix="agentkit-planner-")
    toolbox = example_tools(workspace)
    console = Console()
    view = TraceView(console)
    right = 0
    try:
        with endpoint_from_args(args) as endpoint:
            client = OpenAIClient(endpoint)
            for task, facts in tasks:
                tracer = Tracer(on_event=view.event, on_delta=view.delta)
                try:
                    answer = run_agent("plan", client, toolbox, task, config, tracer,
                                       model_name=endpoint.label).answer
                except AgentkitError as failed:  # a guard, or no usable plan: wrong, and on to the next task
                    answer = f"(failed: {failed.message})"
                # Right needs both: the facts in the answer, and no problem in how the run got there.
                verdict = judge(Trace(events=tracer.events))
                ok = all(fact.lower() in answer.lower() for fact in facts) and verdict.ok
                right += ok
                if facts:
                    console.print(f"check: {'right' if ok else 'wrong'} (must contain {', '.join(facts)}; "
                                  f"verdict: {verdict.status_line()})\n", highlight=False, markup=False)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    if not args.task:
        console.print(f"checked: {right}/{len(tasks)} answers contain the expected facts, with no problem in "
                      "the run verdict", highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
