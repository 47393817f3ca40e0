"""Exercise for the dense-vs-MoE lesson: the decision diff.

`python lessons/exercises/check.py --list` names the lesson's file. Copy it
out first (`python lessons/exercises/check.py diff --init`), then
after each change run

    python lessons/exercises/check.py diff

A run's decisions are its tool calls in order, then its final answer
(`Decision`). `align(a, b)` lines up two runs' decisions with
Needleman-Wunsch and says, row by row, how they relate (`AlignedPair`):

    "same"      the same decision (`same_decision`, given below)
    "args"      the same tool with other arguments; `changes` lists them
                (`argument_changes`, given below)
    "changed"   both decided something, and not the same thing
    "only_a"    a decision only run A made (a gap in B); "only_b" the reverse

Score a pair MATCH when the same, SAME_TOOL when the same tool (or two
answers), MISMATCH otherwise; a gap costs GAP. Fill the score table, then
walk back from the bottom-right corner; on a tie, prefer pairing over a gap.
The kit's version is `align` in agentkit/harness/diff.py.
"""

from __future__ import annotations

import json

from agentkit.harness.diff import (  # noqa: F401
    GAP, MATCH, MISMATCH, SAME_TOOL, AlignedPair, ArgumentChange, Decision, argument_changes,
)


def same_decision(a: Decision, b: Decision) -> bool:
    """The same call (key order ignored, 20 and 20.0 alike) or the same answer (case ignored). Given."""
    return key(a) == key(b)


def key(d: Decision) -> str:
    if d.kind == "answer":
        return json.dumps(["answer", d.text.lower()])
    return json.dumps([d.name, {k: number(v) for k, v in d.arguments.items()}], sort_keys=True)


def number(v: object) -> object:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


def pair_score(a: Decision, b: Decision) -> int:
    """The score of lining up `a` with `b`."""
    raise NotImplementedError("write pair_score: see '2. The decision diff' of the lesson")


def pair(a: Decision, b: Decision) -> AlignedPair:
    """The row for `a` lined up with `b`: same, args (with its changes) or changed."""
    raise NotImplementedError("write pair")


def align(a: list[Decision], b: list[Decision]) -> list[AlignedPair]:
    """The best-scoring alignment of two decision sequences, in order."""
    raise NotImplementedError("write align: a score table of (len(a) + 1) x (len(b) + 1), then walk back")
