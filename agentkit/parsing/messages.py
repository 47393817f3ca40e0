"""Every sentence the kit writes for the model about a tool call, in one place.

Each `ParseIssue.message` is meant to be sent back to the model verbatim, so
that it can fix its next reply: `TEMPLATES` when the kit's parser read the
reply, `SERVER_TEMPLATES` when mlx_lm.server did (the client's server mode).
The agents' own guard texts are prompts, in `agentkit/prompts/guard_*.jinja`. The texts are `str.format` templates: a missing
field raises `KeyError` at once instead of sending a half-filled message.
"""

from __future__ import annotations

from collections.abc import Iterable

from agentkit.parsing.types import ParseIssue

SNIPPET_BEFORE = 20
SNIPPET_AFTER = 40

# Sentences two texts share, written once.
_SEND_COMPLETE_CALL = "Send the complete call again, from <tool_call> to </tool_call>."
_NOT_AN_OBJECT = (
    'The "arguments" of the call to {name} must be a JSON object that maps '
    "parameter names to values, not {kind}, so the call was not run."
)

TEMPLATES: dict[str, str] = {
    # Errors: the call was not run.
    "truncated_tool_call": (
        "Your reply ended in the middle of a tool call, so the call was not run. " + _SEND_COMPLETE_CALL
    ),
    "invalid_json": (
        "The tool call is not valid JSON ({detail}), so it was not run. Send it "
        'again as one JSON object, {{"name": "...", "arguments": {{...}}}}, '
        "between <tool_call> and </tool_call>."
    ),
    "arguments_not_object": _NOT_AN_OBJECT + " Send it again with an object.",
    "missing_function_name": "The tool call names no function, so it was not run. {fix}",
    "malformed_function_tag": (
        "The tag {tag!r} is malformed, so the call was not run. Write "
        "<{kind}=NAME> with the name right after '=' and a closing '>' on the "
        "same line."
    ),
    "placeholder_name": (
        "The tool call names {name!r}, a placeholder copied from a format "
        "description, not a tool, so it was not run. Write the name of one of "
        "your tools instead."
    ),
    # Warnings: the call or the text was recovered.
    "call_in_reasoning": (
        "You wrote a tool call{name_part} inside your <think> reasoning. Calls "
        "inside reasoning are not run: close the reasoning with </think> first, "
        "then write the <tool_call> block."
    ),
    "trailing_junk": (
        "Text after the call inside <tool_call> was ignored: {junk!r}. Put "
        "nothing but the call between <tool_call> and </tool_call>."
    ),
    "leading_junk": (
        "Text before the call inside <tool_call> was ignored: {junk!r}. Put "
        "nothing but the call between <tool_call> and </tool_call>."
    ),
    "arguments_as_string": (
        'The "arguments" of the call to {name} were a JSON string holding an '
        "object; they were decoded. Give the arguments as an object, not a string."
    ),
    "parameters_key": (
        'The call to {name} used "parameters" instead of "arguments"; it was '
        'accepted. Use "arguments".'
    ),
    "python_literal": (
        "The call was written as a Python literal (single quotes, True, None); "
        "it was accepted. Write JSON: double quotes, true, false, null."
    ),
    "calls_as_list": (
        "Several calls were written as one JSON list inside a single <tool_call>; "
        "they were accepted. Put each call in its own <tool_call> block."
    ),
    "missing_close_tag": "The closing {tag} was missing {where}; {outcome}",
    "stray_close_tag": "A stray {tag} {where} was ignored.",
    "unwrapped_call": (
        "A <function=...> block appeared outside <tool_call> tags, so it was "
        "not run. Wrap each call in <tool_call> and </tool_call>."
    ),
    "value_as_text": (
        "The value of parameter {param!r} of {name} was written as {how}; it "
        "was decoded. Write objects and arrays as plain JSON."
    ),
    "empty_tool_call": (
        "An empty <tool_call></tool_call> block was ignored. To call a tool, put "
        "the call between the tags; to answer, write no tool-call tags."
    ),
    "unwrapped_call_run": (
        "The call to {name} was written without its <tool_call> opening tag; it "
        "was run. Wrap each call in <tool_call> and </tool_call>."
    ),
    "schema_mismatch": (
        "The value {value!r} of parameter {param!r} of {name} is not a valid "
        "{expected}; it was passed on as a string."
    ),
}

SERVER_TEMPLATES: dict[str, str] = {
    # Server mode: mlx_lm.server parsed the reply itself; these say what it lost
    # (`agentkit.client.server_answer`). Same codes, so a guard treats them alike.
    "truncated_tool_call": (
        "Your tool call could not be read (it was cut off or malformed), so it was not run. " + _SEND_COMPLETE_CALL
    ),
    "invalid_json": (
        "The arguments of the call to {name} are not valid JSON ({detail}), "
        "so the call was not run. Send the call again with a JSON object."
    ),
    "arguments_not_object": _NOT_AN_OBJECT,
}

FIX_BY_DIALECT = {
    "hermes": 'Give the call as {"name": "FUNCTION", "arguments": {...}}.',
    "xml": "Start the call with <function=FUNCTION> right after <tool_call>.",
    "unknown": "Write the call in the format the system prompt shows.",
}


def snippet_at(text: str, index: int) -> str:
    """A short excerpt of `text` around `index`, for a human skimming a trace."""
    start = max(0, index - SNIPPET_BEFORE)
    return text[start : index + SNIPPET_AFTER]


def make_issue(code: str, position: int, snippet: str, **fields: object) -> ParseIssue:
    """Build an issue whose message is the template for `code` filled with `fields`."""
    return ParseIssue(
        code=code,
        position=position,
        snippet=snippet,
        message=TEMPLATES[code].format(**fields),
    )


def server_issue(code: str, text: str, **fields: object) -> ParseIssue:
    """An issue about a call the server returned, its message from `SERVER_TEMPLATES`."""
    return ParseIssue(code=code, position=0, snippet=text[:60], message=SERVER_TEMPLATES[code].format(**fields))


def message_for_model(issues: Iterable[ParseIssue]) -> str:
    """The text an agent loop sends back to the model after a reply with problems.

    Pass the errors (and, if you like, the warnings) of a `ParsedTurn`. Returns
    "" when there is nothing to say, so the caller can skip the turn.
    """
    issues = list(issues)
    if not issues:
        return ""
    if len(issues) == 1:
        return issues[0].message
    lines = [f"Your last reply had {len(issues)} problems with tool calls:"]
    lines += [f"{n}. {issue.message}" for n, issue in enumerate(issues, start=1)]
    return "\n".join(lines)
