"""Lesson 08: tool calling through the server: tools in, tool_calls out, results back, parallel calls.

    python lessons/08_tool_calling.py                  # starts mlx_lm.server on toy-dense
    python lessons/08_tool_calling.py --model toy-moe
    python lessons/08_tool_calling.py --url http://127.0.0.1:8080/v1

Four steps: what the tool schemas become in the prompt; one call with the
plain openai SDK, its result sent back, the final answer; two calls in one
turn (parallel); and the same round trip with the kit's client in both
tool-call modes.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile

from rich.console import Console
from rich.panel import Panel

from agentkit.client import History, OpenAIClient
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.tools import ToolBox, example_tools

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes


def step_1_tools_in_the_prompt(console: Console, client: OpenAIClient, tools: list[dict]) -> None:
    console.rule("1. Tools are JSON schemas, written into the system prompt")
    console.print_json(json.dumps(tools[0]))
    prompt = client.render_prompt([{"role": "user", "content": "What's the weather in Paris?"}], tools)
    start = prompt.index("</tools>")
    # The part after the schemas: how the template tells the model to write a call.
    console.print(Panel(prompt[start: start + 700] + "\n...", title="the prompt, after the <tools> list"))
    console.print(f"{len(tools)} tools make the prompt {client.count_tokens(prompt)} tokens long "
                  f"({len(prompt)} characters), before the user has said much.")
    fact("tools_prompt_tokens", client.count_tokens(prompt))


def step_2_one_call_and_its_result(console: Console, sdk, model: str, toolbox: ToolBox) -> None:
    console.rule("2. One call, its result sent back, the answer")
    messages = [{"role": "user", "content": "What's the weather in Paris?"}]
    message = ask(console, sdk, model, messages, toolbox)
    messages.append(echo(message))
    for call in message.tool_calls:
        result = toolbox.run(call.function.name, json.loads(call.function.arguments))
        console.print(f"ran {call.function.name}: {result.content}")
        # A result names the call it answers with tool_call_id.
        messages.append({"role": "tool", "tool_call_id": call.id, "content": result.content})
    ask(console, sdk, model, messages, toolbox)


def step_3_parallel_calls(console: Console, sdk, model: str, toolbox: ToolBox) -> None:
    console.rule("3. Parallel calls: several tool_calls in one turn")
    messages = [{"role": "user", "content": "What's the weather in Paris and Tokyo?"}]
    message = ask(console, sdk, model, messages, toolbox)
    messages.append(echo(message))
    # Results go back in the order of the calls, one tool message each.
    for call in message.tool_calls:
        result = toolbox.run(call.function.name, json.loads(call.function.arguments))
        messages.append({"role": "tool", "tool_call_id": call.id, "content": result.content})
    ask(console, sdk, model, messages, toolbox)


def ask(console: Console, sdk, model: str, messages: list[dict], toolbox: ToolBox):
    """One request with the tools; print what came back and return the message."""
    response = sdk.chat.completions.create(model=model, messages=messages, tools=toolbox.schemas(),
                                           max_tokens=256, temperature=0.0)
    choice = response.choices[0]
    message = choice.message
    console.print(f"[bold]finish_reason[/] {choice.finish_reason}   "
                  f"[dim]reasoning: {(message.model_extra.get('reasoning') or '').strip()!r}[/]")
    for call in message.tool_calls or []:
        # Arguments arrive as JSON text, exactly as in OpenAI's API: decode them yourself.
        console.print(f"  tool_call id={call.id[:8]}... {call.function.name}({call.function.arguments})")
    if message.content and message.content.strip():
        console.print(f"  content: {message.content.strip()!r}")
    return message


def echo(message) -> dict:
    """The assistant message to append: content, tool calls, and the reasoning (lesson 09 says why)."""
    return {"role": "assistant", "content": message.content,
            "reasoning_content": message.model_extra.get("reasoning"),
            "tool_calls": [call.model_dump() for call in message.tool_calls or []]}


def step_4_the_kit_client(console: Console, client: OpenAIClient, toolbox: ToolBox) -> None:
    console.rule("4. The kit's client, server mode and raw mode")
    for mode in ("server", "raw"):
        history = History(tools=toolbox.schemas())
        history.add_user("What's the weather in Paris and Tokyo?")
        for _ in range(4):  # a model can call tools forever: cap the round trips
            turn = client.complete(history.messages, **history.request_options(), parser=mode, max_tokens=256)
            history.add_assistant(turn)
            if not turn.tool_calls:
                break
            for call, call_id in zip(turn.tool_calls, turn.call_ids):
                history.add_tool_result(call_id, toolbox.run(call.name, call.arguments).content)
            if mode == "raw":
                # Raw mode keeps the exact text the model wrote, markup and all.
                console.print(Panel(turn.raw_text, title="raw mode: the exact generated text"))
            console.print(f"{mode} mode, calls: " + ", ".join(f"{c.name}({c.arguments})" for c in turn.tool_calls)
                          + f"  dialect: {turn.tool_calls[0].dialect}", markup=False)
        console.print(f"{mode} mode, answer: {turn.content!r}  ({len(history.messages)} messages in the history)",
                      markup=False)


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 08: tool calling through the server")
    add_endpoint_arguments(parser)
    args = parser.parse_args()
    console = Console()
    console.print("starting the model server (or connecting to --url)...")
    # The file tools work in a scratch folder, removed when the lesson ends.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson08-") as workspace, endpoint_from_args(args) as endpoint:
        toolbox = example_tools(workspace)
        client = OpenAIClient(endpoint)
        sdk = endpoint.openai(timeout=60)
        step_1_tools_in_the_prompt(console, client, toolbox.schemas())
        step_2_one_call_and_its_result(console, sdk, endpoint.model_id, toolbox)
        step_3_parallel_calls(console, sdk, endpoint.model_id, toolbox)
        step_4_the_kit_client(console, client, toolbox)
    return 0


if __name__ == "__main__":
    sys.exit(main())
