"""A correct repeated-call guard."""

from __future__ import annotations

import json

from agentkit.agents import ModelMistake, RepeatedCallError
from agentkit.prompts import render_prompt


def key(call) -> str:
    return f"{call.name} {json.dumps(call.arguments, sort_keys=True)}"


class RepeatedCallGuard:
    def __init__(self, max_repeats: int = 2) -> None:
        self.max_repeats = max_repeats
        self.counts: dict[str, int] = {}
        self.told: set[str] = set()
        self.reached: list = []

    def before_call(self, call) -> None:
        k = key(call)
        self.counts[k] = self.counts.get(k, 0) + 1
        if k in self.told:
            raise RepeatedCallError(f"{call.name} called again after the warning.", fix="a larger model")
        if self.counts[k] >= self.max_repeats:
            self.reached.append((call, self.counts[k]))

    def after_calls(self) -> None:
        reached, self.reached = self.reached, []
        if reached:
            self.told.update(key(call) for call, _ in reached)
            call, count = reached[0]
            raise ModelMistake("repeated_call", render_prompt("guard_repeated_call", name=call.name, count=count),
                               f"{call.name} called {count} times")
