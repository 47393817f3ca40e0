"""Exercise for the guards lesson: the repeated-call guard.

`python lessons/exercises/check.py --list` names the lesson's file. Copy it
out first (`python lessons/exercises/check.py guard --init`), then
after each change run

    python lessons/exercises/check.py guard

It puts your guard in a small ReAct loop on scripted models. The loop calls
`before_call(call)` before each call runs and `after_calls()` once all the
calls of a turn ran, as the kit's `react()` does. The rules (the guards lesson,
"A loop"):

- a call is its name and its arguments, key order ignored;
- when a call has been made `max_repeats` times, `after_calls` raises
  `ModelMistake("repeated_call", message, detail)`, where message is
  `render_prompt("guard_repeated_call", name=..., count=...)`: the loop sends
  it to the model and asks again;
- a call the model was told about that comes again stops the run:
  `before_call` raises `RepeatedCallError` before it runs.

The kit's version is part of `Guards` in agentkit/agents/guards.py.
"""

from __future__ import annotations

import json  # noqa: F401  (arguments as JSON text, to compare them)

from agentkit.agents import ModelMistake, RepeatedCallError  # noqa: F401
from agentkit.parsing import ToolCall
from agentkit.prompts import render_prompt  # noqa: F401


class RepeatedCallGuard:
    """The repeated-call state of one run."""

    def __init__(self, max_repeats: int = 2) -> None:
        self.max_repeats = max_repeats

    def before_call(self, call: ToolCall) -> None:
        """Count the call; raise RepeatedCallError if the model was already told not to make it again."""
        raise NotImplementedError("write before_call: see '1. A loop' of the lesson")

    def after_calls(self) -> None:
        """Raise ModelMistake when a call of this turn reached max_repeats."""
        raise NotImplementedError("write after_calls: tell the model once, about the calls of this turn")
