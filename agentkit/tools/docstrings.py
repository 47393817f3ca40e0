"""Read a Google-style docstring: the tool description and one line per parameter.

The model never sees your Python code, only the JSON schema. So the docstring is
where you write for the model: the summary becomes the tool's description and
each entry of the ``Args:`` section becomes that parameter's description.

    def get_weather(city: str) -> dict:
        '''Get the current weather for a city.

        Args:
            city: Name of the city, e.g. "Oslo".
        '''

This is a pure function (text in, parts out) so it can be tested on strings.
"""

import inspect
import re

# Headers that open a section. Only "Args" matters to us; the others are listed
# so that "Returns:" stops the Args section instead of being read as a parameter.
_ARGS_HEADERS = {"args", "arguments", "parameters", "params"}
_OTHER_HEADERS = {
    "returns", "return", "yields", "raises", "example", "examples",
    "note", "notes", "see also", "warning", "warnings", "attributes",
}
_HEADER = re.compile(r"^([A-Za-z][A-Za-z ]*):\s*$")
# "name: text" or "name (type): text"; the type in brackets is ignored because
# the type hint is the single source of truth for the schema.
_ARG_ENTRY = re.compile(r"^(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """Split a docstring into (description, {parameter name: description}).

    The description is the text before the first section, each paragraph folded
    onto one line. Continuation lines of an argument are joined with spaces.
    """
    if not doc:
        return "", {}
    lines = inspect.cleandoc(doc).splitlines()

    summary_lines: list[str] = []
    args: dict[str, str] = {}
    section: str | None = None
    current: str | None = None
    entry_indent = 0

    for line in lines:
        stripped = line.strip()
        header = _HEADER.match(line)  # headers sit at column 0 after cleandoc
        if header and header.group(1).lower() in _ARGS_HEADERS | _OTHER_HEADERS:
            section = "args" if header.group(1).lower() in _ARGS_HEADERS else "other"
            current = None
            continue
        if section is None:
            summary_lines.append(stripped)
        elif section == "args" and stripped:
            indent = len(line) - len(line.lstrip())
            entry = _ARG_ENTRY.match(stripped)
            # A new entry starts at the entry indent; deeper lines continue it.
            if entry and (current is None or indent <= entry_indent):
                current, entry_indent = entry.group(1).lstrip("*"), indent
                args[current] = entry.group(2).strip()
            elif current is not None:
                args[current] = f"{args[current]} {stripped}".strip()

    return _fold_paragraphs(summary_lines), args


def _fold_paragraphs(lines: list[str]) -> str:
    """Join wrapped lines into paragraphs separated by one blank line."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines + [""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return "\n\n".join(paragraphs)
