"""Where two runs of the same task decided differently: sequence alignment over decisions.

A run's decisions are what the model chose to do, in order: each tool call
(name + arguments) and, last, the final answer. Two runs rarely differ
everywhere; usually they agree for a few steps, then one model calls a tool
the other did not, or the same tool with another argument. Lining the two
sequences up like a spell checker lines up two words (Needleman-Wunsch: the
alignment with the best total score, gaps allowed) shows exactly that: pairs
that agree, pairs that call the same tool with different arguments, and
decisions only one side made. A call whose argument the run verdict found
ungrounded (a value the model had not been shown) is marked as such, so a
diff row reads "get_weather(city='Tags') [ungrounded: city]".

Everything here is pure: traces in, a `DecisionDiff` out.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, Field

from agentkit.trace.events import FinalAnswer, RunEnd, ToolCallEvent
from agentkit.trace.reader import Trace
from agentkit.trace.verdict import judge

PairStatus = Literal["same", "args", "changed", "only_a", "only_b"]
Outcome = Literal["success", "failure", "guard hit", "error", "answered", "unfinished"]

# Scores of the alignment: agreeing pays most, the same tool with other
# arguments still pays (so the two line up and the argument diff shows), and
# a gap costs more than half a mismatch so unrelated calls are not paired.
MATCH, SAME_TOOL, MISMATCH, GAP = 3, 1, -2, -1


class Decision(BaseModel):
    """One thing the model chose: a tool call or the final answer."""

    kind: Literal["call", "answer"] = Field(description="A tool call, or the final answer.")
    name: str = Field(default="", description="Tool name (calls only).")
    arguments: dict[str, Any] = Field(default_factory=dict, description="Arguments as written (calls only).")
    text: str = Field(default="", description="The answer text (answers only).")
    ungrounded: list[str] = Field(default_factory=list,
                                  description="Arguments the run verdict found ungrounded (calls only).")

    def label(self) -> str:
        if self.kind == "answer":
            return f"answer: {self.text}"
        mark = f" [ungrounded: {', '.join(self.ungrounded)}]" if self.ungrounded else ""
        return f"{self.name}({', '.join(f'{k}={v!r}' for k, v in self.arguments.items())}){mark}"


class ArgumentChange(BaseModel):
    """One argument that differs between two calls of the same tool."""

    name: str = Field(description="Argument name.")
    a: Any = Field(default=None, description="Value in run A (None when absent).")
    b: Any = Field(default=None, description="Value in run B (None when absent).")


class AlignedPair(BaseModel):
    """One row of the alignment."""

    a: Decision | None = Field(description="Run A's decision, None for a gap.")
    b: Decision | None = Field(description="Run B's decision, None for a gap.")
    status: PairStatus = Field(description="same, args (same tool, other arguments), changed, only_a, only_b.")
    changes: list[ArgumentChange] = Field(default_factory=list, description="Argument differences (status args).")


class DecisionDiff(BaseModel):
    """Two runs of one task, decision by decision."""

    pairs: list[AlignedPair] = Field(description="The aligned decisions, in order.")
    first_divergence: int | None = Field(description="Index in `pairs` of the first row that is not `same`.")
    outcome_a: Outcome = Field(description="How run A ended.")
    outcome_b: Outcome = Field(description="How run B ended.")

    @property
    def identical(self) -> bool:
        return self.first_divergence is None


def decisions(trace: Trace) -> list[Decision]:
    """A trace's tool calls in order (ungrounded arguments marked), then its final answer (when it has one)."""
    ungrounded: dict[str, list[str]] = {}
    for problem in judge(trace).problems:
        if problem.kind == "ungrounded_argument" and problem.call_id is not None:
            ungrounded.setdefault(problem.call_id, []).append(problem.argument or "")
    found = [Decision(kind="call", name=e.name, arguments=e.arguments, ungrounded=ungrounded.get(e.call_id, []))
             for e in trace.events if isinstance(e, ToolCallEvent)]
    found += [Decision(kind="answer", text=e.answer.strip()) for e in trace.events if isinstance(e, FinalAnswer)]
    return found


def outcome(trace: Trace, passed: bool | None = None) -> Outcome:
    """success / failure when a checker judged the answer; otherwise how the run ended."""
    end = next((e for e in trace.events if isinstance(e, RunEnd)), None)
    if end is None:
        return "unfinished"  # the run was killed before it could record its end
    if end.status == "stopped":
        return "guard hit"
    if end.status != "ok":
        return "error"
    if passed is None:
        return "answered"
    return "success" if passed else "failure"


def align(a: list[Decision], b: list[Decision]) -> list[AlignedPair]:
    """Needleman-Wunsch alignment of two decision sequences (ties prefer pairing over gaps)."""
    n, m = len(a), len(b)
    score = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        score[i][0] = i * GAP
    for j in range(1, m + 1):
        score[0][j] = j * GAP
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            score[i][j] = max(score[i - 1][j - 1] + _pair_score(a[i - 1], b[j - 1]),
                              score[i - 1][j] + GAP, score[i][j - 1] + GAP)
    # Walk back from the corner, rebuilding the choices that gave the best score.
    pairs: list[AlignedPair] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and score[i][j] == score[i - 1][j - 1] + _pair_score(a[i - 1], b[j - 1]):
            pairs.append(_pair(a[i - 1], b[j - 1]))
            i, j = i - 1, j - 1
        elif i > 0 and score[i][j] == score[i - 1][j] + GAP:
            pairs.append(AlignedPair(a=a[i - 1], b=None, status="only_a"))
            i -= 1
        else:
            pairs.append(AlignedPair(a=None, b=b[j - 1], status="only_b"))
            j -= 1
    return pairs[::-1]


def diff_decisions(a: Trace, b: Trace, passed_a: bool | None = None, passed_b: bool | None = None) -> DecisionDiff:
    """Align the decisions of two traces and find where they first part."""
    pairs = align(decisions(a), decisions(b))
    first = next((i for i, pair in enumerate(pairs) if pair.status != "same"), None)
    return DecisionDiff(pairs=pairs, first_divergence=first, outcome_a=outcome(a, passed_a),
                        outcome_b=outcome(b, passed_b))


def decision_key(trace: Trace) -> str:
    """One string per decision sequence, to count how many different ones repeats produced."""
    return json.dumps([_canonical(d) for d in decisions(trace)], sort_keys=True)


def describe_divergence(diff: DecisionDiff) -> str:
    """The first divergence in one line, e.g. `step 1: get_weather city 'Lisbon' vs 'If'`."""
    if diff.first_divergence is None:
        return "none: same decisions"
    pair = diff.pairs[diff.first_divergence]
    where = f"step {diff.first_divergence + 1}: "
    if pair.status == "args":
        return where + f"{pair.a.name} " + "; ".join(f"{c.name} {c.a!r} vs {c.b!r}" for c in pair.changes)
    if pair.status == "only_a":
        return where + f"only A: {pair.a.label()}"
    if pair.status == "only_b":
        return where + f"only B: {pair.b.label()}"
    return where + f"{pair.a.label()} vs {pair.b.label()}"


def argument_changes(a: dict[str, Any], b: dict[str, Any]) -> list[ArgumentChange]:
    """The arguments whose values differ, in the order they first appear."""
    names = list(dict.fromkeys([*a, *b]))
    return [ArgumentChange(name=k, a=a.get(k), b=b.get(k)) for k in names if _value(a.get(k)) != _value(b.get(k))]


def _pair(a: Decision, b: Decision) -> AlignedPair:
    if _canonical(a) == _canonical(b):
        return AlignedPair(a=a, b=b, status="same")
    if a.kind == b.kind == "call" and a.name == b.name:
        return AlignedPair(a=a, b=b, status="args", changes=argument_changes(a.arguments, b.arguments))
    return AlignedPair(a=a, b=b, status="changed")


def _pair_score(a: Decision, b: Decision) -> int:
    if _canonical(a) == _canonical(b):
        return MATCH
    if a.kind == b.kind and (a.kind == "answer" or a.name == b.name):
        return SAME_TOOL  # two answers always line up: each run has at most one, at the end
    return MISMATCH


def _canonical(d: Decision) -> str:
    if d.kind == "answer":
        return json.dumps(["answer", d.text.lower()])
    return json.dumps([d.name, {k: _value(v) for k, v in d.arguments.items()}], sort_keys=True)


def _value(v: Any) -> Any:
    # 20 and 20.0 are the same decision.
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
