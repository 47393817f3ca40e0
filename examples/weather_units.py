"""A weather-and-units assistant: get_weather, convert_units and calculator, with ReAct or Reflection.

    python examples/weather_units.py                       # ReAct on toy-dense, started for you
    python examples/weather_units.py --pattern reflection  # the draft is critiqued against the tool results
    python examples/weather_units.py --model toy-moe --thinking on
    python examples/weather_units.py --url http://127.0.0.1:8080/v1 --parser raw
    python examples/weather_units.py --task "How hot is Cairo in fahrenheit?"

Each task runs through `run_agent(pattern, ...)`, shown live (reasoning
dimmed, tool calls and results, timings per request). The tools are
deterministic, so every answer is checked against the facts it must contain.
"""

from __future__ import annotations

import argparse
import sys

from rich.console import Console

from agentkit.agents import AgentConfig, AgentLimitError, run_agent
from agentkit.client import OpenAIClient
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import ToolBox, calculator, convert_units, get_weather
from agentkit.trace import Trace, Tracer
from agentkit.trace.show import TraceView
from agentkit.trace.verdict import judge

# (task, strings the answer must contain): get_weather derives each city's
# weather from a hash of its name, so these never change.
TASKS = [
    ("What's the weather in Paris?", ["12", "partly cloudy"]),
    ("What is the temperature in Lisbon in kelvin?", ["307.15"]),
    ("Convert 10 miles to km.", ["16.09"]),
    ("Compare the weather in Tokyo and Seoul.", ["Tokyo", "27", "Seoul", "-10"]),
    ("What is 17 * 23?", ["391"]),
]


def answered(answer: str, facts: list[str]) -> bool:
    return all(fact.lower() in answer.lower() for fact in facts)


def main() -> int:
    parser = argparse.ArgumentParser(description="ReAct or Reflection on weather and unit questions.")
    add_endpoint_arguments(parser)
    parser.add_argument("--pattern", choices=["react", "reflection"], default="react")
    parser.add_argument("--thinking", choices=["on", "off"], default="off")
    parser.add_argument("--parser", choices=["server", "raw"], default="server")
    parser.add_argument("--task", default=None, help="ask this instead of the built-in tasks (not checked)")
    args = parser.parse_args()
    tasks = [(args.task, [])] if args.task else TASKS
    config = AgentConfig(thinking=args.thinking == "on", parser=args.parser, max_tokens=512)
    toolbox = ToolBox([get_weather, calculator, convert_units])
    console = Console()
    view = TraceView(console)
    right = 0
    with endpoint_from_args(args) as endpoint:
        client = OpenAIClient(endpoint)
        for task, facts in tasks:
            tracer = Tracer(on_event=view.event, on_delta=view.delta)
            try:
                answer = run_agent(args.pattern, client, toolbox, task, config, tracer,
                                   model_name=endpoint.label).answer
            except AgentLimitError as stopped:  # a guard stopped the run: count it as wrong, go on
                answer = f"(stopped: {stopped.message})"
            # Right needs both: the facts in the answer, and no problem in how the run got there.
            verdict = judge(Trace(events=tracer.events))
            ok = answered(answer, facts) and verdict.ok
            right += ok
            if facts:
                console.print(f"check: {'right' if ok else 'wrong'} (must contain {', '.join(facts)}; "
                              f"verdict: {verdict.status_line()})\n", highlight=False, markup=False)
    if not args.task:
        console.print(f"checked: {right}/{len(tasks)} answers contain the expected facts, with no problem in "
                      "the run verdict", highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
