"""The cases `check.py` runs against a parser: real-world tool-call text and what it must yield.

Each case is one thing models really write (well-formed calls, and the drift
listed in the parsing lessons). The expected calls and issue codes are the
kit's policy (`agentkit/parsing/__init__.py`); `check.py --solution` proves
that agentkit's own parser meets every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    """One model output, and what a correct parser makes of it."""

    name: str
    """Short name shown in the report."""
    text: str
    """The raw model output."""
    calls: list[dict[str, Any]]
    """The expected calls, `{"name": ..., "arguments": {...}}`, in output order."""
    codes: list[str] = field(default_factory=list)
    """The expected issue codes (errors and warnings); order does not matter."""
    hint: str = ""
    """What to look at when the case fails."""


def call(name: str, **arguments: Any) -> dict[str, Any]:
    return {"name": name, "arguments": arguments}


# -- Hermes JSON (lesson 03) ---------------------------------------------------


def hermes(body: str) -> str:
    """A `<tool_call>` block around `body`, laid out as the Qwen3 template writes it."""
    return f"<tool_call>\n{body}\n</tool_call>"


PARIS = '{"name": "get_weather", "arguments": {"city": "Paris"}}'
TOKYO = '{"name": "get_weather", "arguments": {"city": "Tokyo"}}'

HERMES_CASES = [
    Case("well-formed", hermes(PARIS), [call("get_weather", city="Paris")],
         hint="find <tool_call>, decode the JSON object after it, read name and arguments"),
    Case("text around the call", "Let me check.\n" + hermes(PARIS) + "\nOne moment.",
         [call("get_weather", city="Paris")], hint="text outside <tool_call> blocks is content, not a call"),
    Case("parallel calls", hermes(PARIS) + "\n" + hermes(TOKYO),
         [call("get_weather", city="Paris"), call("get_weather", city="Tokyo")],
         hint="keep looking for <tool_call> after the end of each block"),
    Case("an example call inside a string",
         hermes('{"name": "write_file", "arguments": {"path": "d.md", "content": "<tool_call>\\n{\\"name\\": '
                '\\"f\\"}\\n</tool_call>"}}'),
         [call("write_file", path="d.md", content='<tool_call>\n{"name": "f"}\n</tool_call>')],
         hint="markup inside a JSON string is data: neither <tool_call> nor </tool_call> there starts or ends a block"),
    Case("</tool_call> inside a string",
         hermes('{"name": "write_file", "arguments": {"path": "a.md", "content": "end a call with </tool_call>"}}'),
         [call("write_file", path="a.md", content="end a call with </tool_call>")],
         hint="decode the JSON by its own boundary (raw_decode) before looking for </tool_call>"),
    Case("trailing junk", hermes(PARIS + "}"), [call("get_weather", city="Paris")], ["trailing_junk"],
         hint="text between the object and </tool_call> is reported, and the call kept"),
    Case("no </tool_call> at the end", "<tool_call>\n" + PARIS, [call("get_weather", city="Paris")],
         ["missing_close_tag"], hint="a complete object is a complete call, even when the output stops right after it"),
    Case("arguments as a string",
         hermes('{"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}'),
         [call("get_weather", city="Paris")], ["arguments_as_string"],
         hint="a string holding a JSON object: decode it, report arguments_as_string"),
    Case('"parameters" instead of "arguments"', hermes('{"name": "get_weather", "parameters": {"city": "Paris"}}'),
         [call("get_weather", city="Paris")], ["parameters_key"],
         hint='read "parameters" when there is no "arguments", report parameters_key'),
    Case("no arguments at all", hermes('{"name": "list_files"}'), [call("list_files")],
         hint="a tool without parameters: missing (or null) arguments mean {}"),
    Case("Python literal", hermes("{'name': 'get_weather', 'arguments': {'city': 'Paris', 'metric': True}}"),
         [call("get_weather", city="Paris", metric=True)], ["python_literal"],
         hint="when JSON fails, try ast.literal_eval on the block; report python_literal"),
    Case("cut off by max_tokens", '<tool_call>\n{"name": "get_weather", "arguments": {"ci', [],
         ["truncated_tool_call"],
         hint="JSON that fails with no </tool_call> after it was cut off: truncated_tool_call"),
    Case("a call, then one cut off", hermes(PARIS) + '\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "To',
         [call("get_weather", city="Paris")], ["truncated_tool_call"],
         hint="keep the calls found before the one that failed"),
    Case("not JSON at all", hermes('get_weather(city="Paris")'), [], ["invalid_json"],
         hint="a closed block that is neither JSON nor a Python literal: invalid_json"),
    Case("arguments not an object", hermes('{"name": "calculator", "arguments": [17, 23]}'), [],
         ["arguments_not_object"], hint="arguments must be an object (after decoding a string)"),
    Case("no function name", hermes('{"arguments": {"city": "Paris"}}'), [], ["missing_function_name"],
         hint="an object without a string name is not a call"),
    Case("JSON outside <tool_call>", 'I would send {"name": "get_weather", "arguments": {"city": "Paris"}} here.', [],
         hint="only <tool_call> envelopes count"),
]


# -- Qwen3.6 XML (lesson 04) -----------------------------------------------------


def tool(name: str, **properties: dict) -> dict:
    return {"type": "function", "function": {"name": name, "parameters": {"type": "object", "properties": properties}}}


XML_TOOLS = [
    tool("get_forecast", city={"type": "string"}, days={"type": "integer"}, metric={"type": "boolean"},
         unit={"type": "string", "enum": ["celsius", "fahrenheit"]}),
    tool("convert_units", value={"type": "number"}, from_unit={"type": "string"}, to_unit={"type": "string"}),
    tool("search_notes", query={"type": "string"}, limit={"type": ["integer", "null"]}, tags={"type": "array"},
         filters={"type": "object"}),
    tool("write_file", path={"type": "string"}, content={"type": "string"}),
]


def xml(name: str, *parameters: tuple[str, str], close_function: str = "</function>\n",
        close_block: str = "</tool_call>") -> str:
    """A `<tool_call>` block in the Qwen3.6 layout, with the closing tags replaceable to make drift."""
    params = "".join(f"<parameter={param}>\n{value}\n</parameter>\n" for param, value in parameters)
    return f"<tool_call>\n<function={name}>\n{params}{close_function}{close_block}"


CITY = ("city", "Paris")

XML_CASES = [
    Case("well-formed", xml("get_forecast", CITY), [call("get_forecast", city="Paris")],
         hint="<function=NAME>, then <parameter=NAME>value</parameter> blocks, then </function>"),
    Case("integer and boolean by schema", xml("get_forecast", CITY, ("days", "3"), ("metric", "true")),
         [call("get_forecast", city="Paris", days=3, metric=True)],
         hint="every value is text; the schema's type says to make 3 and true of it"),
    Case("number by schema", xml("convert_units", ("value", "2.5"), ("from_unit", "km"), ("to_unit", "mi")),
         [call("convert_units", value=2.5, from_unit="km", to_unit="mi")], hint='"type": "number" -> float'),
    Case("a string that looks like a number", xml("search_notes", ("query", "42")), [call("search_notes", query="42")],
         hint='"type": "string" keeps the text, even "42"'),
    Case("array and object as JSON", xml("search_notes", ("query", "x"), ("tags", '["a", "b"]'),
                                         ("filters", '{"year": 2024}')),
         [call("search_notes", query="x", tags=["a", "b"], filters={"year": 2024})],
         hint="array and object values are JSON text: json.loads them"),
    Case("null in a nullable union", xml("search_notes", ("query", "x"), ("limit", "null")),
         [call("search_notes", query="x", limit=None)], hint='["integer", "null"]: try null first'),
    Case("integer in a nullable union", xml("search_notes", ("query", "x"), ("limit", "5")),
         [call("search_notes", query="x", limit=5)], hint='["integer", "null"]: then integer'),
    Case("enum member", xml("get_forecast", ("city", "Oslo"), ("unit", "fahrenheit")),
         [call("get_forecast", city="Oslo", unit="fahrenheit")], hint="a string enum keeps the text"),
    Case("multi-line value", xml("write_file", ("path", "a.py"), ("content", "  indented\nline 2\n")),
         [call("write_file", path="a.py", content="  indented\nline 2\n")],
         hint="exactly one newline after <parameter=...> and one before </parameter> are markup; keep the rest"),
    Case("parallel calls", xml("get_forecast", CITY) + "\n" + xml("get_forecast", ("city", "Tokyo")),
         [call("get_forecast", city="Paris"), call("get_forecast", city="Tokyo")],
         hint="one call per <tool_call> block; keep looking after each"),
    Case("value that does not fit the schema", xml("get_forecast", CITY, ("days", "three")),
         [call("get_forecast", city="Paris", days="three")], ["schema_mismatch"],
         hint="keep the text, report schema_mismatch: the tool's validation tells the model what it expected"),
    Case("extra </function> (Qwen3.6-27B)", xml("get_forecast", CITY, close_function="</function>\n</function>\n"),
         [call("get_forecast", city="Paris")], ["stray_close_tag"],
         hint="closing debris after the function: ignore it, report stray_close_tag"),
    Case("stray </function_invocation>", xml("get_forecast", CITY,
                                             close_function="</function>\n</function_invocation>\n"),
         [call("get_forecast", city="Paris")], ["stray_close_tag"], hint="the same debris rule"),
    Case("missing </parameter>",
         "<tool_call>\n<function=get_forecast>\n<parameter=city>\nParis\n<parameter=days>\n3\n</parameter>\n"
         "</function>\n</tool_call>",
         [call("get_forecast", city="Paris", days=3)], ["missing_close_tag"],
         hint="a value also ends at the next <parameter=, and the newline before it is still markup"),
    Case("missing </function>", xml("get_forecast", CITY, close_function=""), [call("get_forecast", city="Paris")],
         ["missing_close_tag"], hint="inside a closed block, a function without </function> is complete"),
    Case("missing </tool_call> at the end", xml("get_forecast", CITY, close_block=""),
         [call("get_forecast", city="Paris")], ["missing_close_tag"],
         hint="the function closed, so the call is complete even though the output stopped"),
    Case("cut off inside a value", "<tool_call>\n<function=get_forecast>\n<parameter=city>\nPar", [],
         ["truncated_tool_call"], hint="the output ended inside an open block and function: truncated_tool_call"),
    Case("parameters without a function", "<tool_call>\n<parameter=city>\nParis\n</parameter>\n</tool_call>", [],
         ["missing_function_name"], hint="no <function=NAME> in a closed block: missing_function_name"),
    # Values that hold markup: a coding agent writes files about tool calls.
    Case("markup inside a value", xml("write_file", ("path", "t.py"), ("content", "x = '<parameter=path>a</parameter>'")),
         [call("write_file", path="t.py", content="x = '<parameter=path>a</parameter>'")],
         hint="a </parameter> ends a value only when <parameter=P> (a parameter of this tool not set yet), "
              "</function>, </tool_call> or the end follows it; here a quote follows, so it is text"),
    Case("a line that looks like the end of a value",
         xml("write_file", ("path", "t.md"), ("content", "a\n</parameter>\n<parameter=body>\nb")),
         [call("write_file", path="t.md", content="a\n</parameter>\n<parameter=body>\nb")],
         hint="write_file has no parameter body, so that </parameter> is text: look at what follows each one"),
    Case("an example call inside a value",
         xml("write_file", ("path", "d.md"), ("content", "Example:\n" + xml("get_forecast", CITY) + "\nend")),
         [call("write_file", path="d.md", content="Example:\n" + xml("get_forecast", CITY) + "\nend")],
         hint="a call opened inside a value stays in it up to its own </tool_call>; so the block does not end "
              "at the first </tool_call> either"),
]
