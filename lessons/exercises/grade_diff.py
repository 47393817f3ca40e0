"""The grader of the decision diff: `align` on pairs of decision sequences, row by row.

The sequences are the ones two runs of a task really produce: the same,
an argument that changed (the Lisbon task of an earlier toy pair), a call
only one run made, another tool, numbers written two ways.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from agentkit.harness.diff import Decision, argument_changes
from grading import Check


def call(name: str, **arguments: Any) -> Decision:
    return Decision(kind="call", name=name, arguments=arguments)


def answer(text: str) -> Decision:
    return Decision(kind="answer", text=text)


def label(d: Any) -> str | None:
    return None if d is None else d.label()


WHY = {
    ("args", "same"): "the two calls share a tool and not their arguments: compare the arguments too, not only "
                      "the tool names",
    ("args", "changed"): "the same tool with other arguments is 'args', so the argument that changed is named",
    ("changed", "same"): "two different decisions are not 'same': compare the whole decision",
    ("same", "args"): "these are the same call (same_decision): key order and 20 vs 20.0 do not make a difference",
    ("same", "changed"): "these are the same decision (same_decision)",
}


def diff_case(name: str, a: list[Decision], b: list[Decision], statuses: list[str], hint: str) -> Check:
    def check(module: Any) -> str | None:
        rows = module.align(a, b)
        if not isinstance(rows, list):
            return f"returned {type(rows).__name__}; expected a list of AlignedPair"
        got = [(label(r.a), label(r.b), r.status) for r in rows]
        if [s for _, _, s in got] != statuses:
            for number, (row, want) in enumerate(zip(got, statuses), start=1):
                if row[2] != want:
                    why = WHY.get((want, row[2]), "")
                    return (f"row {number} ({row[0]} | {row[1]}) is {row[2]!r}, expected {want!r}"
                            + (f": {why}" if why else "")
                            + f"\nall rows: {[s for _, _, s in got]}, expected {statuses}")
            return f"{len(got)} rows {[s for _, _, s in got]}, expected {len(statuses)}: {statuses}"
        for number, row in enumerate(rows, start=1):
            placed = (row.a is None or row.a in a) and (row.b is None or row.b in b)
            if not placed:
                return f"row {number} holds a decision that is not in the runs given: {label(row.a)} | {label(row.b)}"
            if row.status == "args":
                want = argument_changes(row.a.arguments, row.b.arguments)
                if list(row.changes) != want:
                    return f"row {number}: changes {row.changes}, expected {want} (argument_changes(a, b))"
        order_a = [r.a for r in rows if r.a is not None]
        order_b = [r.b for r in rows if r.b is not None]
        if order_a != a or order_b != b:
            return ("the rows do not keep each run's decisions in order, each once: walk back from the corner, "
                    "then reverse")
        return None

    return Check(name, check, hint)


PARIS, TOKYO = call("get_weather", city="Paris"), call("get_weather", city="Tokyo")
DIFF_CHECKS = [
    diff_case("identical runs", [PARIS, answer("12 °C.")], [PARIS, answer("12 °C.")], ["same", "same"],
              "the same decisions pair up as 'same'"),
    diff_case("one argument changed", [call("get_weather", city="Lisbon"), answer("It is 18 °C.")],
              [call("get_weather", city="If"), answer("It is 21 °C.")], ["args", "changed"],
              "same tool, other arguments: 'args' with its changes; two different answers: 'changed'"),
    diff_case("a call only one run made", [PARIS, TOKYO, answer("Both.")], [PARIS, answer("Both.")],
              ["same", "only_a", "same"], "a decision only one run made is a gap: 'only_a' or 'only_b'"),
    diff_case("a call only run B made", [TOKYO, answer("Done.")], [PARIS, TOKYO, answer("Done.")],
              ["only_b", "same", "same"], "gaps can come first"),
    diff_case("another tool", [PARIS, answer("12.")], [call("calculator", expression="12"), answer("12.")],
              ["changed", "same"], "MISMATCH against two gaps is a tie here: prefer pairing ('changed')"),
    diff_case("numbers and key order", [call("convert_units", value=20, from_unit="km", to_unit="mi")],
              [call("convert_units", to_unit="mi", from_unit="km", value=20.0)], ["same"],
              "use same_decision: 20 and 20.0, and any key order, are the same call"),
    diff_case("an empty run", [], [PARIS, answer("12 °C.")], ["only_b", "only_b"],
              "the first row and column of the table are gaps"),
    diff_case("the loop that repeats", [PARIS, PARIS, PARIS], [PARIS, answer("12 °C.")],
              ["only_a", "same", "changed"],
              "walking back from the corner, a tie pairs rather than gaps: the last repeat pairs with the answer"),
]


def solution() -> SimpleNamespace:
    from agentkit.harness.diff import align

    return SimpleNamespace(align=align)
