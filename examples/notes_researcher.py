"""A notes researcher: answers from `search_notes` and cites the notes it used.

    python examples/notes_researcher.py                   # toy-dense, started for you
    python examples/notes_researcher.py --model toy-moe --thinking on
    python examples/notes_researcher.py --notes ~/my-notes --question "What do my notes say about bread?"

The agent is ReAct with a single tool, `search_notes` (keyword search over a
folder of markdown notes, the kit's fixtures/notes/ by default). Its answer
cites notes by id in brackets, `[volcanoes]`. A citation is only worth
something if it is real, so each answer is checked against the trace: every
cited id must be a note that a search in this run actually returned. A real
citation in front of garbled text ("According to your note [volcanoes]: A
volcanoes: the Earth", recorded from toy-dense) is still wrong, so the answer
must also state a fact of that note, and the run's verdict must find no
problem (no `</think>` left in the answer, no invented search).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from rich.console import Console

from agentkit.agents import AgentConfig, AgentLimitError, run_agent
from agentkit.client import OpenAIClient
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import DEFAULT_NOTES_DIR, ToolBox, make_search_notes
from agentkit.trace import ToolResultEvent, Trace, Tracer
from agentkit.trace.show import TraceView
from agentkit.trace.verdict import judge

# (question, the note that answers it, a fact from that note's first sentence the answer must state)
QUESTIONS = [
    ("What do my notes say about volcanoes?", "volcanoes", "opening"),
    ("Search my notes for honeybees.", "honeybees", "queen"),
    ("Find my notes on tides.", "tides", "Moon"),
]
CITATION = re.compile(r"\[([\w-]+)\]")


def found_ids(tracer: Tracer) -> set[str]:
    """Ids of every note a search_notes call returned in this run."""
    ids = set()
    for event in tracer.events:
        if isinstance(event, ToolResultEvent) and event.name == "search_notes" and event.ok:
            try:
                ids.update(hit["id"] for hit in json.loads(event.content))
            except (ValueError, TypeError, KeyError):
                pass  # "No notes match ..." is text, not a list of hits
    return ids


def check_citations(answer: str, found: set[str]) -> tuple[list[str], list[str]]:
    """(cited ids that a search returned, cited ids that it did not)."""
    cited = CITATION.findall(answer)
    return [c for c in cited if c in found], [c for c in cited if c not in found]


def main() -> int:
    parser = argparse.ArgumentParser(description="Answer questions from notes, with checked citations.")
    add_endpoint_arguments(parser)
    parser.add_argument("--thinking", choices=["on", "off"], default="off")
    parser.add_argument("--parser", choices=["server", "raw"], default="server")
    parser.add_argument("--notes", type=Path, default=DEFAULT_NOTES_DIR, help="folder of .md notes")
    parser.add_argument("--question", default=None, help="ask this instead of the built-in questions")
    args = parser.parse_args()
    questions = [(args.question, None, None)] if args.question else QUESTIONS
    config = AgentConfig(thinking=args.thinking == "on", parser=args.parser, max_tokens=512)
    toolbox = ToolBox([make_search_notes(args.notes)])
    console = Console()
    view = TraceView(console)
    right = 0
    with endpoint_from_args(args) as endpoint:
        client = OpenAIClient(endpoint)
        for question, expected, fact in questions:
            tracer = Tracer(on_event=view.event, on_delta=view.delta)
            try:
                answer = run_agent("react", client, toolbox, question, config, tracer,
                                   model_name=endpoint.label).answer
            except AgentLimitError as stopped:
                answer = f"(stopped: {stopped.message})"
            real, invented = check_citations(answer, found_ids(tracer))
            console.print(f"citations: {real or 'none'} found by a search; {invented or 'none'} invented",
                          highlight=False)
            verdict = judge(Trace(events=tracer.events))
            states_fact = fact is None or fact.lower() in answer.lower()
            ok = bool(real) and not invented and (expected is None or expected in real) and states_fact and verdict.ok
            right += ok
            fact_note = "" if fact is None else f"must state {fact!r}; "
            console.print(f"check: {'right' if ok else 'wrong'} ({fact_note}verdict: {verdict.status_line()})\n",
                          highlight=False, markup=False)
    console.print(f"checked: {right}/{len(questions)} answers cite a note the search returned, and nothing else, "
                  "state a fact of it, with no problem in the run verdict",
                  highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
