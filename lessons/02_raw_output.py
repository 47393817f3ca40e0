"""Lesson 02: the exact text the model wrote, which the server never shows you, and the prompt it read.

    python lessons/02_raw_output.py                     # starts mlx_lm.server on toy-dense
    python lessons/02_raw_output.py --template hermes   # the JSON tool-call dialect
    python lessons/02_raw_output.py --url http://127.0.0.1:8080/v1

Four steps: a request with tools and what the server makes of the answer;
the exact generated text, recovered from the token ids that `logprobs`
returns; `/v1/completions`, which looks raw and is not; and the exact prompt
the chat template built.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agentkit.client import OpenAIClient
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import example_tools

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes

MESSAGES = [{"role": "user", "content": "What's the weather in Paris?"}]
MAX_TOKENS = 200


def step_1_what_the_server_returns(console: Console, sdk, model: str, tools: list[dict]) -> int:
    console.rule("1. What the server returns: the output, already taken apart")
    response = sdk.chat.completions.create(model=model, messages=MESSAGES, tools=tools,
                                           max_tokens=MAX_TOKENS, temperature=0.0)
    choice = response.choices[0]
    message = choice.message
    console.print(f"finish_reason  {choice.finish_reason}", markup=False)
    console.print(f"reasoning      {message.model_extra.get('reasoning')!r}", markup=False)
    console.print(f"content        {message.content!r}", markup=False)
    for call in message.tool_calls or []:
        console.print(f"tool_call      {call.function.name}  arguments={call.function.arguments}", markup=False)
    console.print("No <think>, no <tool_call>, no newlines between them: the server parsed the text and "
                  "kept only the pieces. What did the model actually write?")
    return response.usage.prompt_tokens


def step_2_the_exact_text(console: Console, sdk, model: str, tools: list[dict], client: OpenAIClient) -> str:
    console.rule("2. The exact text: token ids from logprobs, decoded by the model's tokenizer")
    # With logprobs, mlx_lm.server returns one entry per generated token with its id:
    # the very tokens the sampler picked, before any parsing.
    response = sdk.chat.completions.create(model=model, messages=MESSAGES, tools=tools, max_tokens=MAX_TOKENS,
                                           temperature=0.0, logprobs=True)
    choice = response.choices[0]
    ids = [entry.model_dump()["id"] for entry in choice.logprobs.content]
    tokenizer = client.local.tokenizer  # the tokenizers.Tokenizer of the model's tokenizer.json

    console.print(f"{len(ids)} token ids came back; the first 14:")
    table = Table()
    table.add_column("id", justify="right")
    table.add_column("text of the token")
    for token_id in ids[:14]:
        table.add_row(str(token_id), repr(tokenizer.decode([token_id], skip_special_tokens=False)))
    console.print(table)

    # The last token is <|im_end|> when the model stopped by itself: it ends the
    # turn rather than belonging to it, so it is left out (as mlx_lm.generate does).
    last = tokenizer.decode([ids[-1]], skip_special_tokens=False)
    text_ids = ids[:-1] if ids[-1] in client.local.eos_ids and choice.finish_reason != "length" else ids
    raw_text = tokenizer.decode(text_ids, skip_special_tokens=False)
    console.print(f"last token: {last!r} (the stop token, dropped)", markup=False)
    console.print(Panel(Text(raw_text), title="what the model wrote, byte for byte"))
    console.print(Text(f"as a Python string: {raw_text!r}", style="dim"))

    # The kit's client does exactly this in raw mode, and parses the text itself.
    turn = client.complete(MESSAGES, tools, parser="raw", max_tokens=MAX_TOKENS)
    console.print(f"client.complete(..., parser='raw').raw_text is the same text: {turn.raw_text == raw_text}")
    console.print(f"the kit's parse of it: reasoning={turn.reasoning!r}", markup=False)
    for call in turn.tool_calls:
        console.print(f"  call {call.name}({json.dumps(call.arguments)})  dialect={call.dialect}", markup=False)
    return raw_text


def step_3_completions_is_not_raw(console: Console, sdk, model: str, prompt: str, raw_text: str) -> None:
    console.rule("3. /v1/completions looks raw, and is not")
    # The same prompt, sent as plain text: no chat template, no parsing... one would think.
    response = sdk.completions.create(model=model, prompt=prompt, max_tokens=MAX_TOKENS, temperature=0.0)
    text = response.choices[0].text
    console.print(f"/v1/completions text: {text!r}", markup=False)
    console.print(f"generated tokens: {response.usage.completion_tokens}, characters returned: {len(text)} "
                  f"(the exact text has {len(raw_text)})")
    fact("completions_tokens", response.usage.completion_tokens)
    fact("completions_chars", len(text))
    fact("raw_chars", len(raw_text))
    kept = "still there" if "<tool_call>" in text else "gone"
    console.print(f"The <tool_call> block is {kept}: mlx_lm.server runs its think/tool-call state machine on "
                  "/v1/completions too, and drops what it takes for markup from `text`.")


def step_4_the_exact_prompt(console: Console, client: OpenAIClient, tools: list[dict], usage_prompt_tokens: int,
                            prompt: str) -> None:
    console.rule("4. The exact prompt the chat template built")
    # The list itself starts at "<tools>\n" (the hermes text names <tools></tools> before it).
    head_end = prompt.index("<tools>\n") + len("<tools>")
    tail_start = prompt.index("\n</tools>") + 1
    shown = Text(prompt[:head_end], style="bold")
    shown.append(f"\n  ... {len(tools)} tool schemas as JSON lines, {tail_start - head_end} characters ...\n",
                 style="dim italic")
    shown.append(prompt[tail_start:tail_start + 160], style="bold")
    shown.append("\n  ... the call format and its rules ...\n", style="dim italic")
    shown.append(prompt[prompt.index("<|im_end|>\n<|im_start|>user"):], style="bold")
    console.print(Panel(shown, title="client.render_prompt(messages, tools)"))
    console.print(f"Its tokens, counted with the model's tokenizer: {client.count_tokens(prompt)}; "
                  f"usage.prompt_tokens from the server: {usage_prompt_tokens}.")
    fact("prompt_tokens", usage_prompt_tokens)
    fact("schema_chars", tail_start - head_end)
    if prompt.endswith("<think>\n"):
        console.print("The prompt ends inside <think>: the model's first token is already reasoning, so its "
                      "output has a </think> and no <think> (lesson 05).")


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 02: raw output")
    add_endpoint_arguments(parser)
    args = parser.parse_args()
    console = Console()
    # Only the schemas are needed, so the file tools' workspace can go at once.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson02-") as workspace:
        tools = example_tools(workspace).schemas()
    console.print("starting the model server (or connecting to --url)...")
    with endpoint_from_args(args) as endpoint:
        template = args.template or "the model's own"
        console.print(f"server: {endpoint.base_url}  model: {endpoint.label}  template: {template}", highlight=False)
        sdk = endpoint.openai(timeout=60)
        client = OpenAIClient(endpoint)
        if client.local is None:
            console.print("This lesson decodes token ids with the model's tokenizer, and the files of "
                          f"{endpoint.model_id!r} are not on this machine: serve a local model (or a toy model).")
            return 2
        prompt_tokens = step_1_what_the_server_returns(console, sdk, endpoint.model_id, tools)
        raw_text = step_2_the_exact_text(console, sdk, endpoint.model_id, tools, client)
        prompt = client.render_prompt(MESSAGES, tools)
        step_3_completions_is_not_raw(console, sdk, endpoint.model_id, prompt, raw_text)
        step_4_the_exact_prompt(console, client, tools, prompt_tokens, prompt)
    return 0


if __name__ == "__main__":
    sys.exit(main())
