"""The typed results of parsing: tool calls, issues, a parsed turn, stream events.

All of them are small slotted dataclasses, not pydantic models. A parser makes
them from values it has just checked, so validating them again would only cost
time: a `ToolCall` dataclass costs 0.38 us to build from positional arguments
and 0.82 from keywords, against 2.5 for a pydantic model of it (timeit, on
the 2-core machine of the Performance section in `parsing/__init__.py`).
That matters because a plain answer's whole parse is little more than its
`ParsedTurn`, and a streaming parser makes one event per token. The pydantic
models that carry them across module boundaries (`trace.Turn`, which the agent loop writes to traces) accept them as
they are, and serialize and re-read them like any field: pydantic knows
dataclasses. Treat them as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# Codes of input the parser cannot turn into a call. Everything else it reports
# is a warning: the call (or the text) was recovered, and the loop may tell the
# model how to do better next time.
ERROR_CODES = frozenset(
    {
        "truncated_tool_call",
        "invalid_json",
        "arguments_not_object",
        "missing_function_name",
        "malformed_function_tag",
        "placeholder_name",
    }
)

Dialect = Literal["hermes", "xml"]


@dataclass(slots=True)
class ToolCall:
    """One tool call the model asked for."""

    name: str
    """The function name, as the model wrote it."""
    arguments: dict[str, Any]
    """The arguments, decoded (Hermes) or converted by the tool's schema (XML)."""
    raw: str
    """The block exactly as it appeared in the output, `<tool_call>` tags included."""
    dialect: Dialect
    """`hermes` for a JSON object, `xml` for the Qwen3-Coder `<function=...>` form."""


@dataclass(slots=True)
class ParseIssue:
    """A problem found in the output: an error (call lost) or a warning (recovered)."""

    code: str
    """Stable machine-readable code, e.g. `invalid_json` or `trailing_junk`."""
    position: int
    """Character offset in the whole output where the problem starts."""
    snippet: str
    """A short excerpt of the output around `position`."""
    message: str
    """What went wrong, written to be sent back to the model so it can retry."""

    @property
    def is_error(self) -> bool:
        """True when the code means a call was lost rather than recovered."""
        return self.code in ERROR_CODES


@dataclass(slots=True)
class ParsedTurn:
    """Everything one assistant output contained, split into its parts."""

    content: str
    """The visible text: think and tool-call markup removed, ends trimmed."""
    reasoning: str | None
    """The text inside `<think>`, trimmed; None when the output had no reasoning."""
    tool_calls: list[ToolCall] = field(default_factory=list)
    """The calls to run, in output order."""
    errors: list[ParseIssue] = field(default_factory=list)
    """Unrecoverable problems; each one lost a call the model tried to make."""
    warnings: list[ParseIssue] = field(default_factory=list)
    """Problems the parser recovered from, in output order."""


@dataclass(slots=True)
class ReasoningDelta:
    """New reasoning text, safe to show: it never holds part of a tag."""

    text: str


@dataclass(slots=True)
class ContentDelta:
    """New visible text, safe to show: it never holds part of a tag."""

    text: str


@dataclass(slots=True)
class ToolCallReady:
    """A tool call whose block is complete."""

    call: ToolCall


@dataclass(slots=True)
class IssueEvent:
    """An error or warning, as soon as it is known (see `issue.is_error`)."""

    issue: ParseIssue


Event = ReasoningDelta | ContentDelta | ToolCallReady | IssueEvent


@dataclass(slots=True)
class BlockResult:
    """What parsing one `<tool_call>` block found (internal to the parser)."""

    calls: list[ToolCall]
    issues: list[ParseIssue]
    plain: bool = False
    """True for one clean call with nothing in the block that reads as markup (a JSON
    body without `<`, XML values without `<`): every reader, the block scanner
    too, ends such a block at its first `</tool_call>`."""
