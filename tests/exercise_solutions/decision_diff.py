"""A correct decision diff."""

from __future__ import annotations

import json

from agentkit.harness.diff import GAP, MATCH, MISMATCH, SAME_TOOL, AlignedPair, Decision, argument_changes


def key(d: Decision) -> str:
    if d.kind == "answer":
        return json.dumps(["answer", d.text.lower()])
    number = {k: float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
              for k, v in d.arguments.items()}
    return json.dumps([d.name, number], sort_keys=True)


def pair_score(a: Decision, b: Decision) -> int:
    if key(a) == key(b):
        return MATCH
    if a.kind == b.kind and (a.kind == "answer" or a.name == b.name):
        return SAME_TOOL
    return MISMATCH


def pair(a: Decision, b: Decision) -> AlignedPair:
    if key(a) == key(b):
        return AlignedPair(a=a, b=b, status="same")
    if a.kind == b.kind == "call" and a.name == b.name:
        return AlignedPair(a=a, b=b, status="args", changes=argument_changes(a.arguments, b.arguments))
    return AlignedPair(a=a, b=b, status="changed")


def align(a: list[Decision], b: list[Decision]) -> list[AlignedPair]:
    n, m = len(a), len(b)
    score = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        score[i][0] = i * GAP
    for j in range(1, m + 1):
        score[0][j] = j * GAP
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            score[i][j] = max(score[i - 1][j - 1] + pair_score(a[i - 1], b[j - 1]),
                              score[i - 1][j] + GAP, score[i][j - 1] + GAP)
    rows, i, j = [], n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and score[i][j] == score[i - 1][j - 1] + pair_score(a[i - 1], b[j - 1]):
            rows.append(pair(a[i - 1], b[j - 1]))
            i, j = i - 1, j - 1
        elif i > 0 and score[i][j] == score[i - 1][j] + GAP:
            rows.append(AlignedPair(a=a[i - 1], b=None, status="only_a"))
            i -= 1
        else:
            rows.append(AlignedPair(a=None, b=b[j - 1], status="only_b"))
            j -= 1
    return rows[::-1]
