"""Write tool calls back out in either dialect, byte for byte as the templates do.

The chat templates, the toy models' training data and the round-trip tests all
need the exact bytes a real Qwen template renders for an assistant tool call,
so these two functions copy the templates' rules rather than prettify them:

- Qwen3 (Hermes JSON) renders `'<tool_call>\\n{"name": "' + name +
  '", "arguments": ' + (arguments | tojson) + '}\\n</tool_call>'`. The name is
  pasted in unescaped, and an `arguments` that is already a string is pasted
  in as is.
- Qwen3.6 (Qwen3-Coder XML) renders each argument as `<parameter=NAME>\\n` +
  value + `\\n</parameter>\\n`, where the value is the string itself for a
  string and `tojson` of it for anything else (number, bool, null, list, dict).

Both templates run under Hugging Face's `tojson`, which is
`json.dumps(x, ensure_ascii=False)`: default `", "` / `": "` separators, no
HTML escaping, non-ASCII kept.
"""

from __future__ import annotations

import json
from typing import Any


def tojson(value: Any) -> str:
    """JSON exactly as the Hugging Face chat-template `tojson` filter writes it."""
    return json.dumps(value, ensure_ascii=False)


def render_tool_call_hermes(name: str, arguments: dict[str, Any] | str) -> str:
    """The `<tool_call>` block for one call in the Qwen3 Hermes JSON dialect."""
    args_text = arguments if isinstance(arguments, str) else tojson(arguments)
    return '<tool_call>\n{"name": "' + name + '", "arguments": ' + args_text + "}\n</tool_call>"


def render_tool_call_xml(name: str, arguments: dict[str, Any]) -> str:
    """The `<tool_call>` block for one call in the Qwen3.6 XML dialect."""
    parts = ["<tool_call>\n<function=", name, ">\n"]
    for param, value in arguments.items():
        text = value if isinstance(value, str) else tojson(value)
        parts += ["<parameter=", param, ">\n", text, "\n</parameter>\n"]
    parts.append("</function>\n</tool_call>")
    return "".join(parts)
