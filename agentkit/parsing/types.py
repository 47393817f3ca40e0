"""The typed results of parsing: tool calls, issues, a parsed turn, stream events.

`ToolCall`, `ParseIssue` and `ParsedTurn` are pydantic models because they cross
module boundaries (the agent loop records them in traces). The stream events are
small slotted dataclasses: a streaming parser creates one per token, and such
a dataclass is several times cheaper to build than a pydantic model (and about
twice as cheap as a frozen one). Treat them as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

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
Model = TypeVar("Model", bound=BaseModel)


class ToolCall(BaseModel):
    """One tool call the model asked for."""

    name: str
    """The function name, as the model wrote it."""
    arguments: dict[str, Any]
    """The arguments, decoded (Hermes) or converted by the tool's schema (XML)."""
    raw: str
    """The block exactly as it appeared in the output, `<tool_call>` tags included."""
    dialect: Dialect
    """`hermes` for a JSON object, `xml` for the Qwen3-Coder `<function=...>` form."""


class ParseIssue(BaseModel):
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


class ParsedTurn(BaseModel):
    """Everything one assistant output contained, split into its parts."""

    content: str
    """The visible text: think and tool-call markup removed, ends trimmed."""
    reasoning: str | None
    """The text inside `<think>`, trimmed; None when the output had no reasoning."""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    """The calls to run, in output order."""
    errors: list[ParseIssue] = Field(default_factory=list)
    """Unrecoverable problems; each one lost a call the model tried to make."""
    warnings: list[ParseIssue] = Field(default_factory=list)
    """Problems the parser recovered from, in output order."""


def built(model: type[Model], **fields: Any) -> Model:
    """`model(**fields)` without validation, for values the parser has just made and checked.

    Validation would copy every dict and list again and check types the parser
    already knows. pydantic's `model_construct` skips it, but going field by
    field through aliases and defaults in Python it costs more than validating
    (pydantic 2.14), so this sets just the attributes it sets. Every field must
    be given, with its declared type: the callers are `blocks.plain_call` and
    the whole-output shortcut, which check that they hold `str`s, `dict`s with
    `str` keys, and lists of models.
    """
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", fields)
    object.__setattr__(instance, "__pydantic_fields_set__", set(fields))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


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
