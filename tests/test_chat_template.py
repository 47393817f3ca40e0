"""Chat templates: the kit's qwen3.6 and hermes layouts, and render_chat against transformers.

Three kinds of checks:
- parity: render_chat gives the same bytes as transformers' apply_chat_template
  (what mlx_lm.server runs) on many conversation shapes;
- golden strings: the exact layout of key shapes, so a template regression shows;
- round trips: mlx_lm picks the right tool parser for each template, and parses
  the calls the template writes back into the same arguments.
"""

from __future__ import annotations

import copy
import json
import re

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentkit.serving.chat_template import (
    TEMPLATE_NAMES,
    load_chat_template,
    render_chat,
    special_tokens,
    template_path,
)
from agentkit.errors import TemplateNotFoundError

WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather in a city.",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
    }, "required": ["city"]}}}
CALCULATOR = {"type": "function", "function": {
    "name": "calculator", "description": "Evaluate an arithmetic expression.",
    "parameters": {"type": "object", "properties": {"expression": {"type": "string"}},
                   "required": ["expression"]}}}
TOOLS = [WEATHER, CALCULATOR]


def call(name: str, arguments, call_id: str = "call_1") -> dict:
    """One tool call as the OpenAI API shapes it."""
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


PARALLEL = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Weather in Oslo, and what is 6*7?"},
    {"role": "assistant", "content": None, "reasoning_content": "Two tools at once.",
     "tool_calls": [call("get_weather", {"city": "Oslo", "unit": "celsius"}),
                    call("calculator", {"expression": "6*7"}, "call_2")]},
    {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 4, "sky": "snow"}'},
    {"role": "tool", "tool_call_id": "call_2", "content": "42"},
    {"role": "assistant", "content": "Oslo: 4 °C and snow. 6*7 = 42.", "reasoning_content": "\nBoth done.\n"},
    {"role": "user", "content": "Thanks! And in Lima?"},
    {"role": "assistant", "content": "Let me check.", "reasoning": "One call.",
     "tool_calls": [call("get_weather", {"city": "Lima"}, "call_3")]},
    {"role": "tool", "tool_call_id": "call_3", "content": '{"temp": 19}'},
]

ODD_ARGUMENTS = {"text": 'Zürich "quoted"\nnew line\ttab \\ /', "count": 3, "ratio": 1.5, "big": 1e21,
                 "flag": True, "off": False, "nothing": None, "items": [1, "a", {"k": "é"}],
                 "nested": {"empty": [], "obj": {}}, "emoji": "🙂"}

CONVERSATIONS = {
    "user only": [{"role": "user", "content": "Hi"}],
    "system and user": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
    "multi-turn with reasoning": [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!", "reasoning_content": "Greet back."},
        {"role": "user", "content": "Bye"},
        {"role": "assistant", "content": "Goodbye.", "reasoning_content": "Farewell."},
    ],
    "think block inside content": [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "<think>\nInline reasoning.\n</think>\n\nHello!"},
    ],
    "parallel calls and results": PARALLEL,
    "parallel calls, first step": PARALLEL[:5],
    "text parts": [{"role": "user", "content": [{"type": "text", "text": "Hi "}, {"type": "text", "text": "there"}]}],
    "odd arguments": [
        {"role": "user", "content": "Go"},
        {"role": "assistant", "content": "", "tool_calls": [call("get_weather", ODD_ARGUMENTS)]},
    ],
}

KWARGS = [{}, {"enable_thinking": False}, {"preserve_thinking": True},
          {"enable_thinking": False, "preserve_thinking": True}]


def with_string_arguments(messages: list[dict], **dumps_options) -> list[dict]:
    """The same conversation with arguments as JSON text, as the OpenAI SDK sends them."""
    messages = copy.deepcopy(messages)
    for message in messages:
        for tool_call in message.get("tool_calls") or []:
            tool_call["function"]["arguments"] = json.dumps(tool_call["function"]["arguments"], **dumps_options)
    return messages


def hf_tokenizer(template: str):
    """A real transformers tokenizer (one-word vocabulary) carrying `template` and Qwen's special tokens."""
    from tokenizers import Tokenizer, models
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.WordLevel({"<unk>": 0}, unk_token="<unk>"))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, **special_tokens("qwen3.6"))
    tokenizer.chat_template = template
    return tokenizer


@pytest.fixture(scope="module", params=TEMPLATE_NAMES)
def kit_template(request) -> tuple[str, str]:
    return request.param, load_chat_template(request.param)


# -- parity with transformers -------------------------------------------------

@pytest.mark.parametrize("shape", list(CONVERSATIONS))
def test_render_chat_matches_transformers(kit_template, shape):
    _, template = kit_template
    tokenizer = hf_tokenizer(template)
    messages = CONVERSATIONS[shape]
    variants = [messages, with_string_arguments(messages),
                with_string_arguments(messages, separators=(",", ":"), ensure_ascii=False),
                with_string_arguments(messages, indent=2)]
    for tools in (None, TOOLS):
        for kwargs in KWARGS:
            for add_generation_prompt in (True, False):
                for variant in variants:
                    ours = render_chat(template, variant, tools, add_generation_prompt, **kwargs)
                    theirs = tokenizer.apply_chat_template(
                        variant, tools=tools, add_generation_prompt=add_generation_prompt,
                        tokenize=False, **kwargs)
                    assert ours == theirs, (shape, tools is not None, kwargs, add_generation_prompt)


@pytest.mark.parametrize("shape", list(CONVERSATIONS))
def test_string_arguments_render_like_dict_arguments(kit_template, shape):
    _, template = kit_template
    messages = CONVERSATIONS[shape]
    expected = render_chat(template, messages, TOOLS)
    for options in ({}, {"ensure_ascii": False}, {"separators": (",", ":")}, {"indent": 1}):
        assert render_chat(template, with_string_arguments(messages, **options), TOOLS) == expected


json_scalars = (st.none() | st.booleans() | st.integers(-10**20, 10**20)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)
argument_dicts = st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), json_values, max_size=4)


@settings(max_examples=60, deadline=None)
@given(arguments=argument_dicts, ensure_ascii=st.booleans(), compact=st.booleans())
def test_any_json_arguments_render_like_the_dict(arguments, ensure_ascii, compact):
    """The templates' jinja JSON reader agrees with json.loads on arbitrary JSON."""
    messages = [{"role": "user", "content": "Go"},
                {"role": "assistant", "content": "", "tool_calls": [call("f", arguments)]}]
    text = with_string_arguments(messages, ensure_ascii=ensure_ascii,
                                 separators=(",", ":") if compact else None)
    for name in TEMPLATE_NAMES:
        template = load_chat_template(name)
        assert render_chat(template, text) == render_chat(template, messages)


def test_transformers_environment_features_match():
    """Loop controls, namespace, raise_exception, special tokens and the generation tag, as transformers has them."""
    template = (
        "{{ bos_token }}{% set ns = namespace(n=0) %}"
        "{% for m in messages %}{% if loop.index > 2 %}{% break %}{% endif %}"
        "{% generation %}{{ m.role }}={{ m.content }}{% endgeneration %}{% set ns.n = ns.n + 1 %}"
        "{% endfor %}|{{ ns.n }}|{{ tools | tojson }}|{{ dict(a=1) | tojson }}|{{ strftime_now('%Y') }}{{ eos_token }}"
    )
    messages = [{"role": "user", "content": "<b>&"}, {"role": "assistant", "content": "x"},
                {"role": "user", "content": "y"}]
    tools = [{"name": "<t>"}]
    tokenizer = hf_tokenizer(template)
    tokens = {"bos_token": "<s>", "eos_token": "<|im_end|>"}
    ours = render_chat(template, messages, tools, **tokens)
    assert ours == tokenizer.apply_chat_template(messages, tools=tools, tokenize=False, bos_token="<s>")
    assert ours.startswith("<s>user=<b>&assistant=x|2|[{\"name\": \"<t>\"}]|{\"a\": 1}|")
    failing = "{{ raise_exception('bad conversation') }}"
    with pytest.raises(jinja2.TemplateError, match="bad conversation"):
        render_chat(failing, messages)
    with pytest.raises(jinja2.TemplateError, match="bad conversation"):
        hf_tokenizer(failing).apply_chat_template(messages, tokenize=False)


def test_transformers_message_preparation_matches():
    """None-valued keys dropped, reasoning aliased, indented block tags stripped: as transformers does."""
    template = (
        "{%- for m in messages %}\n"
        "    {% if m.content is defined %}[{{ m.content }}]{% else %}(no content){% endif %}\n"
        "    {% for key in m %}{{ key }}={{ m[key] }};{% endfor %}\n"
        "{%- endfor %}"
    )
    messages = [{"role": "assistant", "content": None, "reasoning": "why", "tool_calls": None},
                {"role": "assistant", "content": "ok", "thinking": "hmm"}]
    ours = render_chat(template, messages)
    assert ours == hf_tokenizer(template).apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert ours == ("(no content)thinking=why;role=assistant;reasoning=why;reasoning_content=why;"
                    "[ok]thinking=hmm;role=assistant;content=ok;reasoning_content=hmm;")


def test_reasoning_field_is_read_by_the_templates_themselves(kit_template):
    """Without transformers' aliasing (older versions), the templates still read `reasoning`."""
    _, template = kit_template
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.filters["tojson"] = lambda x: json.dumps(x, ensure_ascii=False)
    messages = [{"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello!", "reasoning": "Greet back."}]
    rendered = env.from_string(template).render(messages=messages, add_generation_prompt=False)
    assert rendered.endswith("<|im_start|>assistant\n<think>\nGreet back.\n</think>\n\nHello!<|im_end|>\n")


# -- golden strings -------------------------------------------------------------

QWEN36_TOOLS_HEADER = (
    "<|im_start|>system\n# Tools\n\nYou have access to the following functions:\n\n<tools>\n"
    + json.dumps(WEATHER, ensure_ascii=False) + "\n" + json.dumps(CALCULATOR, ensure_ascii=False)
    + "\n</tools>\n\nIf you choose to call a function ONLY reply in the following format with NO suffix:\n\n"
    "<tool_call>\n<function=example_function_name>\n<parameter=example_parameter_1>\nvalue_1\n</parameter>\n"
    "<parameter=example_parameter_2>\nThis is the value for the second parameter\nthat can span\nmultiple lines\n"
    "</parameter>\n</function>\n</tool_call>\n\n<IMPORTANT>\nReminder:\n- Function calls MUST follow the specified "
    "format: an inner <function=...></function> block must be nested within <tool_call></tool_call> XML tags\n"
    "- Required parameters MUST be specified\n- You may provide optional reasoning for your function call in "
    "natural language BEFORE the function call, but NOT after\n- If there is no function call available, answer "
    "the question like normal with your current knowledge and do not tell the user about function calls\n"
    "</IMPORTANT>\n\nYou are a helpful assistant.<|im_end|>\n"
)

QWEN36_PARALLEL_TAIL = (
    "<|im_start|>user\nWeather in Oslo, and what is 6*7?<|im_end|>\n"
    "<|im_start|>assistant\n"  # before the last query: reasoning dropped
    "<tool_call>\n<function=get_weather>\n<parameter=city>\nOslo\n</parameter>\n<parameter=unit>\ncelsius\n"
    "</parameter>\n</function>\n</tool_call>\n<tool_call>\n<function=calculator>\n<parameter=expression>\n6*7\n"
    "</parameter>\n</function>\n</tool_call><|im_end|>\n"
    "<|im_start|>user\n<tool_response>\n{\"temp\": 4, \"sky\": \"snow\"}\n</tool_response>\n"
    "<tool_response>\n42\n</tool_response><|im_end|>\n"
    "<|im_start|>assistant\nOslo: 4 °C and snow. 6*7 = 42.<|im_end|>\n"
    "<|im_start|>user\nThanks! And in Lima?<|im_end|>\n"
    "<|im_start|>assistant\n<think>\nOne call.\n</think>\n\nLet me check.\n\n"
    "<tool_call>\n<function=get_weather>\n<parameter=city>\nLima\n</parameter>\n</function>\n</tool_call><|im_end|>\n"
    "<|im_start|>user\n<tool_response>\n{\"temp\": 19}\n</tool_response><|im_end|>\n"
)


def test_golden_qwen36_tool_loop_thinking_on():
    rendered = render_chat(load_chat_template("qwen3.6"), PARALLEL, TOOLS)
    assert rendered == QWEN36_TOOLS_HEADER + QWEN36_PARALLEL_TAIL + "<|im_start|>assistant\n<think>\n"


def test_golden_qwen36_thinking_off_and_preserved():
    template = load_chat_template("qwen3.6")
    off = render_chat(template, PARALLEL, TOOLS, enable_thinking=False)
    assert off.endswith("</tool_response><|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n")
    preserved = render_chat(template, PARALLEL, TOOLS, preserve_thinking=True)
    assert ("<|im_start|>assistant\n<think>\nTwo tools at once.\n</think>\n\n<tool_call>\n<function=get_weather>"
            in preserved)
    assert "<|im_start|>assistant\n<think>\nBoth done.\n</think>\n\nOslo: 4 °C" in preserved


def test_golden_qwen36_odd_arguments():
    rendered = render_chat(load_chat_template("qwen3.6"), CONVERSATIONS["odd arguments"], add_generation_prompt=False)
    assert rendered == (
        "<|im_start|>user\nGo<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"
        "<tool_call>\n<function=get_weather>\n"
        "<parameter=text>\nZürich \"quoted\"\nnew line\ttab \\ /\n</parameter>\n"
        "<parameter=count>\n3\n</parameter>\n<parameter=ratio>\n1.5\n</parameter>\n"
        "<parameter=big>\n1e+21\n</parameter>\n<parameter=flag>\ntrue\n</parameter>\n"
        "<parameter=off>\nfalse\n</parameter>\n<parameter=nothing>\nnull\n</parameter>\n"
        "<parameter=items>\n[1, \"a\", {\"k\": \"é\"}]\n</parameter>\n"
        "<parameter=nested>\n{\"empty\": [], \"obj\": {}}\n</parameter>\n"
        "<parameter=emoji>\n🙂\n</parameter>\n</function>\n</tool_call><|im_end|>\n"
    )


def test_golden_hermes_tool_loop():
    template = load_chat_template("hermes")
    rendered = render_chat(template, PARALLEL, TOOLS)
    assert rendered == (
        "<|im_start|>system\nYou are a helpful assistant.\n\n# Tools\n\nYou may call one or more functions to "
        "assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML "
        "tags:\n<tools>\n" + json.dumps(WEATHER, ensure_ascii=False) + "\n" + json.dumps(CALCULATOR, ensure_ascii=False)
        + "\n</tools>\n\nFor each function call, return a json object with function name and arguments within "
        "<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": "
        "<args-json-object>}\n</tool_call><|im_end|>\n"
        "<|im_start|>user\nWeather in Oslo, and what is 6*7?<|im_end|>\n"
        "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\", "
        "\"unit\": \"celsius\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"calculator\", \"arguments\": "
        "{\"expression\": \"6*7\"}}\n</tool_call><|im_end|>\n"
        "<|im_start|>user\n<tool_response>\n{\"temp\": 4, \"sky\": \"snow\"}\n</tool_response>\n"
        "<tool_response>\n42\n</tool_response><|im_end|>\n"
        "<|im_start|>assistant\nOslo: 4 °C and snow. 6*7 = 42.<|im_end|>\n"
        "<|im_start|>user\nThanks! And in Lima?<|im_end|>\n"
        "<|im_start|>assistant\n<think>\nOne call.\n</think>\n\nLet me check.\n<tool_call>\n"
        "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Lima\"}}\n</tool_call><|im_end|>\n"
        "<|im_start|>user\n<tool_response>\n{\"temp\": 19}\n</tool_response><|im_end|>\n"
        "<|im_start|>assistant\n"  # Qwen3 opens no <think> when thinking is on
    )
    off = render_chat(template, PARALLEL, TOOLS, enable_thinking=False)
    assert off == rendered + "<think>\n\n</think>\n\n"


def test_golden_hermes_last_turn_and_preserve_thinking():
    template = load_chat_template("hermes")
    chat = CONVERSATIONS["multi-turn with reasoning"]
    assert render_chat(template, chat, add_generation_prompt=False) == (
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
        "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n<think>\nFarewell.\n</think>\n\nGoodbye.<|im_end|>\n"
    )
    preserved = render_chat(template, chat, add_generation_prompt=False, preserve_thinking=True)
    assert preserved.startswith("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\nGreet back.\n"
                                "</think>\n\nHello!<|im_end|>\n")


def test_qwen36_template_errors():
    template = load_chat_template("qwen3.6")
    with pytest.raises(jinja2.TemplateError, match="No user query"):
        render_chat(template, [{"role": "system", "content": "Be brief."}])
    bad = [{"role": "user", "content": "Go"},
           {"role": "assistant", "content": "", "tool_calls": [call("f", '{"city": "Oslo"')]}]
    with pytest.raises(jinja2.TemplateError, match="not valid JSON"):
        render_chat(template, bad)
    with pytest.raises(jinja2.TemplateError, match="must be a JSON object"):
        render_chat(template, [bad[0], {**bad[1], "tool_calls": [call("f", "[1, 2]")]}])
    with pytest.raises(jinja2.TemplateError, match="text-only"):
        render_chat(template, [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}])


# -- mlx_lm reads the templates as intended -----------------------------------

class _TemplateOnly:
    """What `_infer_tool_parser` looks at: the template text and the vocabulary."""

    def __init__(self, chat_template: str) -> None:
        self.chat_template = chat_template

    def get_vocab(self) -> dict:
        return {}


@pytest.mark.parametrize("name, parser", [("qwen3.6", "qwen3_coder"), ("hermes", "json_tools")])
def test_mlx_lm_infers_the_tool_parser(name, parser):
    from mlx_lm.tokenizer_utils import _infer_tool_parser

    template = load_chat_template(name)
    assert _infer_tool_parser(_TemplateOnly(template)) == parser
    if name == "qwen3.6":
        assert "<tool_call>\\n<function=" in template


@pytest.mark.parametrize("name, parser", [("qwen3.6", "qwen3_coder"), ("hermes", "json_tools")])
def test_mlx_lm_parses_the_calls_the_template_writes(name, parser):
    import importlib

    parse_tool_call = importlib.import_module(f"mlx_lm.tool_parsers.{parser}").parse_tool_call
    arguments = [{"city": "São Paulo", "unit": "fahrenheit"}, {"expression": "(2 + 3) * 4\n/ 5"}]
    messages = [{"role": "user", "content": "Go"}, {"role": "assistant", "content": "Calling.", "tool_calls": [
        call("get_weather", arguments[0]), call("calculator", json.dumps(arguments[1]), "call_2")]}]
    rendered = render_chat(load_chat_template(name), messages, TOOLS, add_generation_prompt=False)
    # mlx_lm hands the parser the text between the markers, as the server does.
    blocks = re.findall(r"<tool_call>(.*?)</tool_call>", rendered.split("<|im_start|>assistant")[-1], re.DOTALL)
    parsed = [parse_tool_call(block, TOOLS) for block in blocks]
    assert [(call["name"], call["arguments"]) for call in parsed] == [
        ("get_weather", arguments[0]), ("calculator", arguments[1])]


# -- loading ----------------------------------------------------------------------

def test_load_kit_templates_by_name():
    for name in TEMPLATE_NAMES:
        assert template_path(name).is_file()
        assert load_chat_template(name) == template_path(name).read_text(encoding="utf-8")
    with pytest.raises(TemplateNotFoundError) as error:
        template_path("chatml")
    assert "qwen3.6" in error.value.fix


def test_load_from_model_directory(tmp_path):
    config = tmp_path / "tokenizer_config.json"
    config.write_text(json.dumps({"chat_template": "from config", "eos_token": "<|im_end|>",
                                  "bos_token": {"content": "<s>", "special": True}, "unk_token": None}))
    assert load_chat_template(tmp_path) == "from config"
    assert load_chat_template(str(config)) == "from config"
    assert special_tokens(tmp_path) == {"bos_token": "<s>", "eos_token": "<|im_end|>"}
    # chat_template.jinja wins over tokenizer_config.json, as in transformers.
    (tmp_path / "chat_template.jinja").write_text("from jinja file")
    assert load_chat_template(tmp_path) == "from jinja file"
    assert load_chat_template(tmp_path / "chat_template.jinja") == "from jinja file"


def test_load_list_form_picks_default(tmp_path):
    config = tmp_path / "tokenizer_config.json"
    config.write_text(json.dumps({"chat_template": [{"name": "tool_use", "template": "tools"},
                                                    {"name": "default", "template": "plain"}]}))
    assert load_chat_template(tmp_path) == "plain"
    config.write_text(json.dumps({"chat_template": [{"name": "tool_use", "template": "tools"}]}))
    with pytest.raises(TemplateNotFoundError, match="none named 'default'"):
        load_chat_template(tmp_path)


def test_load_errors_name_the_fix(tmp_path):
    with pytest.raises(TemplateNotFoundError) as missing:
        load_chat_template(tmp_path / "nowhere")
    assert "qwen3.6" in str(missing.value) and "Fix:" in str(missing.value)
    with pytest.raises(TemplateNotFoundError, match="has no chat template"):
        load_chat_template(tmp_path)
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"eos_token": "<|im_end|>"}))
    with pytest.raises(TemplateNotFoundError, match="has no `chat_template`"):
        load_chat_template(tmp_path)
    (tmp_path / "tokenizer_config.json").write_text("{not json")
    with pytest.raises(TemplateNotFoundError, match="not valid JSON"):
        load_chat_template(tmp_path)
    with pytest.raises(TemplateNotFoundError, match="local cache"):
        load_chat_template("no-such-org-xyz/no-such-model")


# -- against a real mlx_lm.server -------------------------------------------------

@pytest.mark.server
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_server_prompt_is_the_rendered_prompt(tiny_model_dir, name):
    """The server tokenizes exactly the string render_chat builds (its prompt_tokens match ours)."""
    server_module = pytest.importorskip("agentkit.serving.server")
    from openai import OpenAI
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_model_dir))
    template = load_chat_template(name)
    # As the OpenAI SDK sends a history: arguments as JSON text, content None beside tool calls.
    history = with_string_arguments(PARALLEL)
    with server_module.ManagedServer(str(tiny_model_dir), template=name) as server:
        client = OpenAI(base_url=server.base_url, api_key="none", timeout=60)
        for kwargs in ({}, {"enable_thinking": False, "preserve_thinking": True}):
            response = client.chat.completions.create(
                model=server.model_id, messages=history, tools=TOOLS, max_tokens=1,
                extra_body={"chat_template_kwargs": kwargs})
            prompt = render_chat(template, history, TOOLS, **kwargs)
            assert response.usage.prompt_tokens == len(tokenizer.encode(prompt, add_special_tokens=False))
