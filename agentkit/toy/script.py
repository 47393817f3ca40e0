"""A gold transcript being written: user turns, tool calls that really run, answers.

Scenarios (see `scenarios.py`) drive a `TranscriptScript` the way a perfect
agent would: ask, call tools, read the real observations, answer. Because the
tools really run, the observation strings in the training data are byte for
byte what the kit's tools return at run time.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from agentkit.tools import ToolBox


class GoldCall(BaseModel):
    """A tool call the perfect agent makes."""

    name: str = Field(description="Tool name.")
    arguments: dict[str, Any] = Field(description="Arguments as a JSON object.")


class Transcript(BaseModel):
    """One synthetic conversation plus what a correct agent must do in it."""

    family: str = Field(description="Scenario family, e.g. 'weather_parallel'.")
    messages: list[dict[str, Any]] = Field(description="OpenAI-style messages, gold assistant turns included.")
    tools: list[dict[str, Any]] = Field(description="OpenAI-style tool schemas offered in the request.")
    enable_thinking: bool = Field(description="Whether the assistant turns carry reasoning.")
    gold_steps: list[list[GoldCall]] = Field(
        default_factory=list, description="Tool calls per assistant step of the last user turn, in order.")
    answer_facts: list[str] = Field(
        default_factory=list, description="Strings the final answer must contain to count as correct.")
    world: dict[str, str] = Field(
        default_factory=dict, description="Files seeded before the task (path relative to the world root -> text).")


class TranscriptScript:
    """Builds a Transcript step by step while running the real tools."""

    def __init__(self, family: str, toolbox: ToolBox, offered: list[str], thinking: bool,
                 system: str | None = None):
        self.family = family
        self.toolbox = toolbox
        self.thinking = thinking
        self.tools = [s for s in toolbox.schemas() if s["function"]["name"] in offered]
        self.messages: list[dict[str, Any]] = []
        self.gold_steps: list[list[GoldCall]] = []
        self._ids = 0
        if system:
            self.messages.append({"role": "system", "content": system})

    def fork(self, system: str | None, offered: list[str]) -> "TranscriptScript":
        """A new conversation in the same world: one stage of a multi-request agent."""
        return TranscriptScript(self.family, self.toolbox, offered, self.thinking, system)

    def user(self, text: str) -> None:
        self.messages.append({"role": "user", "content": text})
        # Gold steps describe the last user turn only: that is what eval replays.
        self.gold_steps = []

    def call(self, calls: list[tuple[str, dict[str, Any]]], thought: str) -> list[str]:
        """One assistant turn with one or more (parallel) calls; returns the observations."""
        tool_calls = []
        for name, arguments in calls:
            self._ids += 1
            tool_calls.append({"id": f"call_{self._ids}", "type": "function",
                               "function": {"name": name, "arguments": arguments}})
        self._assistant(content="", thought=thought, tool_calls=tool_calls)
        self.gold_steps.append([GoldCall(name=n, arguments=a) for n, a in calls])
        observations = []
        for tc, (name, arguments) in zip(tool_calls, calls):
            result = self.toolbox.run(name, arguments)
            observations.append(result.content)
            self.messages.append({"role": "tool", "tool_call_id": tc["id"], "content": result.content})
        return observations

    def answer(self, text: str, thought: str, facts: list[str]) -> "Transcript":
        self._assistant(content=text, thought=thought)
        return Transcript(family=self.family, messages=self.messages, tools=self.tools,
                          enable_thinking=self.thinking, gold_steps=self.gold_steps,
                          answer_facts=facts)

    def reply(self, text: str, thought: str) -> None:
        """An intermediate answer in a multi-turn conversation."""
        self._assistant(content=text, thought=thought)

    def _assistant(self, content: str, thought: str, tool_calls: list | None = None) -> None:
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if self.thinking:
            message["reasoning_content"] = thought
        if tool_calls:
            message["tool_calls"] = tool_calls
        self.messages.append(message)


def observation_json(observation: str) -> dict[str, Any]:
    """Decode a tool observation that the tool returned as a JSON object."""
    value = json.loads(observation)
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object observation, got: {observation[:80]}")
    return value
