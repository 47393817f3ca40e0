"""Throughput of agentkit's parser against mlx-lm's, and time against output size.

    python benchmarks/bench_parsing.py            # full run (about a minute)
    python benchmarks/bench_parsing.py --quick    # smaller corpus and sizes

Part 1 parses one corpus of realistic outputs (reasoning, a short answer, two
tool calls; half Hermes JSON, half Qwen3.6 XML; plus answers without calls)
four ways:

- agentkit `parse_assistant` on each whole output;
- agentkit `StreamParser` fed 4-character chunks (about one token each);
- mlx-lm's parsers on the whole output: the blocks found with a plain
  `str.split`, each given to `json_tools` / `qwen3_coder.parse_tool_call`;
- mlx-lm's server path: its `TextStateMachine` fed the same 4-character
  chunks (as mlx_lm.server does per token), then the parser per block.

and prints MB/s and the ratios, for the whole corpus and for each kind of
output (plain answers, Hermes, XML) on its own. Part 2 times outputs from
1 KB to 1 MB (text, one huge XML call, one huge JSON call) and prints
microseconds per KB, which must stay flat for the parser to be linear.
"""

from __future__ import annotations

import argparse
import random
import time

from mlx_lm.generate import TextStateMachine
from mlx_lm.tool_parsers import json_tools, qwen3_coder

from agentkit.parsing import StreamParser, parse_assistant, render_tool_call_hermes, render_tool_call_xml

CHUNK = 4
WORDS = ("the weather in seoul is mild today so I will check the forecast for tomorrow and "
         "compare it with the average of last week before answering the user clearly").split()
TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {
    "city": {"type": "string"}, "days": {"type": "integer"}, "metric": {"type": "boolean"}}}}},
         {"type": "function", "function": {"name": "write_file", "parameters": {"type": "object", "properties": {
             "path": {"type": "string"}, "content": {"type": "string"}}}}}]
SERVER_STATES = TextStateMachine({
    "normal": [("<think>", "reasoning"), ("<tool_call>", "tool")],
    "reasoning": [("</think>", "normal"), ("<tool_call>", "tool")],
    "tool": [("</tool_call>", "normal")],
})


def prose(rng: random.Random, chars: int) -> str:
    words, size = [], 0
    while size < chars:
        word = rng.choice(WORDS)
        words.append(word + ("\n" if rng.random() < 0.05 else " "))
        size += len(words[-1])
    return "".join(words).strip()


def corpus(count: int, seed: int = 0) -> list[tuple[str, str]]:
    """(dialect, output) pairs: prompt-opened reasoning, an answer, and calls."""
    rng = random.Random(seed)
    outputs = []
    for n in range(count):
        dialect = ("hermes", "xml", "none")[n % 3]
        text = prose(rng, rng.randint(300, 1500)) + "\n</think>\n\n" + prose(rng, rng.randint(40, 400))
        if dialect != "none":
            render = render_tool_call_xml if dialect == "xml" else render_tool_call_hermes
            calls = [render("get_weather", {"city": rng.choice(WORDS), "days": rng.randint(1, 9), "metric": True}),
                     render("write_file", {"path": "notes.txt", "content": prose(rng, rng.randint(50, 300))})]
            text += "\n\n" + "\n".join(calls)
        outputs.append((dialect, text))
    return outputs


def chunks(text: str) -> list[str]:
    return [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)]


def agentkit_whole(dialect: str, text: str, pieces: list[str]) -> int:
    return len(parse_assistant(text, tools=TOOLS, prompt_opened_think=True).tool_calls)


def agentkit_stream(dialect: str, text: str, pieces: list[str]) -> int:
    parser = StreamParser(tools=TOOLS, prompt_opened_think=True)
    for piece in pieces:
        parser.feed(piece)
    return len(parser.finish().tool_calls)


def mlx_parser(dialect: str) -> object:
    return qwen3_coder if dialect == "xml" else json_tools


def mlx_whole(dialect: str, text: str, pieces: list[str]) -> int:
    calls = 0
    for part in text.split("<tool_call>")[1:]:
        mlx_parser(dialect).parse_tool_call(part.split("</tool_call>")[0], TOOLS)
        calls += 1
    return calls


def mlx_server_stream(dialect: str, text: str, pieces: list[str]) -> int:
    state, previous, tool_text, blocks = SERVER_STATES.make_state("reasoning"), "reasoning", "", []
    for piece in pieces:
        state, segments = TextStateMachine.split(state, piece)
        for name, clean in segments:
            if name == "tool":
                tool_text += clean
            elif name == "normal" and previous == "tool":
                blocks.append(tool_text)
                tool_text = ""
            previous = name
    for block in blocks:
        mlx_parser(dialect).parse_tool_call(block, TOOLS)
    return len(blocks)


def best_times(functions, inputs, repeats: int) -> dict[str, float]:
    """The best time of each function; the functions take turns in every
    repetition, so a busy machine slows all of them alike."""
    best = {f.__name__: float("inf") for f in functions}
    for _ in range(repeats):
        for function in functions:
            start = time.perf_counter()
            for dialect, text, pieces in inputs:
                function(dialect, text, pieces)
            best[function.__name__] = min(best[function.__name__], time.perf_counter() - start)
    return best


def throughput(count: int, repeats: int) -> None:
    outputs = corpus(count)
    inputs = [(dialect, text, chunks(text)) for dialect, text in outputs]
    megabytes = sum(len(text) for _, text in outputs) / 1e6
    counts = {f.__name__: sum(f(*args) for args in inputs)
              for f in (agentkit_whole, agentkit_stream, mlx_whole, mlx_server_stream)}
    assert len(set(counts.values())) == 1, f"the parsers disagree on the number of calls: {counts}"
    print(f"Part 1: {count} outputs, {megabytes:.2f} MB, {counts['agentkit_whole']} tool calls, "
          f"stream chunks of {CHUNK} characters; best of {repeats}")
    t = best_times((agentkit_whole, mlx_whole, agentkit_stream, mlx_server_stream), inputs, repeats)
    for name, seconds in t.items():
        print(f"  {name:<20} {seconds * 1e3:8.1f} ms  {megabytes / seconds:7.2f} MB/s")
    whole, stream = ratios(t)
    print(f"  ratio whole  (agentkit / mlx-lm parsers): {whole:.2f}x the time")
    print(f"  ratio stream (agentkit / mlx-lm server):  {stream:.2f}x the time")
    # The mix hides where each parser wins: plain answers, Hermes outputs and XML outputs apart.
    for kind in ("none", "hermes", "xml"):
        whole, stream = ratios(best_times((agentkit_whole, mlx_whole, agentkit_stream, mlx_server_stream),
                                          [args for args in inputs if args[0] == kind], repeats))
        label = "plain answers" if kind == "none" else f"{kind} outputs"
        print(f"  {label:<14} whole {whole:.2f}x, stream {stream:.2f}x")


def ratios(t: dict[str, float]) -> tuple[float, float]:
    """agentkit's time over mlx-lm's: whole outputs, then streamed."""
    return t["agentkit_whole"] / t["mlx_whole"], t["agentkit_stream"] / t["mlx_server_stream"]


def scaling_inputs(size: int) -> dict[str, str]:
    rng = random.Random(size)
    body = prose(rng, size)
    return {
        "text": body[: size // 4] + "\n</think>\n\n" + body[size // 4 :],
        "xml call": "</think>\n\n" + render_tool_call_xml("write_file", {"path": "a", "content": body}),
        "json call": "</think>\n\n" + render_tool_call_hermes("write_file", {"path": "a", "content": body}),
    }


def scaling(sizes_kb: list[int], repeats: int) -> None:
    print(f"Part 2: microseconds per KB of output (flat = linear); best of {repeats}")
    print(f"  {'size':>8}  " + "  ".join(f"{shape + ' ' + mode:>18}" for shape in ("text", "xml call", "json call")
                                       for mode in ("whole", "stream")))
    per_kb: dict[str, list[float]] = {}
    for kb in sizes_kb:
        cells = []
        for shape, text in scaling_inputs(kb * 1024).items():
            best = best_times((agentkit_whole, agentkit_stream), [("xml", text, chunks(text))], repeats)
            for mode, seconds in zip(("whole", "stream"), best.values(), strict=True):
                per_kb.setdefault(f"{shape} {mode}", []).append(seconds * 1e6 / kb)
                cells.append(f"{seconds * 1e6 / kb:18.1f}")
        print(f"  {kb:>6}KB  " + "  ".join(cells))
    # Below ~16 KB the fixed cost per output dominates, so compare from there.
    base = sizes_kb.index(16)
    growth = {name: values[-1] / values[base] for name, values in per_kb.items()}
    print(f"  per-KB time at {sizes_kb[-1]} KB over per-KB time at 16 KB (1.00 = linear): "
          + ", ".join(f"{name} {ratio:.2f}" for name, ratio in growth.items()))


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--quick", action="store_true", help="a smaller run, for a smoke test")
    quick = options.parse_args().quick
    throughput(count=150 if quick else 1500, repeats=5)
    print()
    scaling([1, 16, 256] if quick else [1, 4, 16, 64, 256, 1024], repeats=5)


if __name__ == "__main__":
    main()
