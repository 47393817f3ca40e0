"""The scenario families of the synthetic agent transcripts.

Each family is one function that plays a perfect agent through a
`TranscriptScript`: it words a request, calls the real tools, and answers from
their observations. Together they cover what issue 2 asks the toy models to
learn: single and parallel calls, chains where one result feeds the next call,
answering without a tool, recovering after a tool error, and multi-turn chat.
The wording is varied on purpose; the answers are templated so that a tiny
model can learn them and evaluation can check them.
"""

from __future__ import annotations

import random
from typing import Callable

from agentkit.toy.entities import EntityPools
from agentkit.toy.script import Transcript, TranscriptScript, observation_json
from agentkit.toy.wording import ask
from agentkit.toy.world import ToyWorld

Scenario = Callable[[TranscriptScript, EntityPools, ToyWorld, random.Random], Transcript]


def _deg(weather: dict) -> str:
    return f"{weather['temperature']}°{'F' if weather['unit'] == 'fahrenheit' else 'C'}"


def weather_single(s, pools, world, rng):
    city = pools.city()
    unit = "fahrenheit" if rng.random() < 0.3 else "celsius"
    text = ask(rng, "weather", pools.wording, c=city)
    if unit == "fahrenheit":
        text += rng.choice([" In fahrenheit.", " Use fahrenheit.", " Answer in fahrenheit."])
    s.user(text)
    args = {"city": city} if unit == "celsius" else {"city": city, "unit": unit}
    [obs] = s.call([("get_weather", args)], f"The user wants the weather in {city}. I will call get_weather.")
    w = observation_json(obs)
    return s.answer(f"It is {_deg(w)} and {w['condition']} in {w['city']}.",
                    f"get_weather says {_deg(w)} and {w['condition']}. I can answer.",
                    [str(w["temperature"]), w["condition"]])


def weather_parallel(s, pools, world, rng):
    cities = list(dict.fromkeys(pools.city() for _ in range(rng.choice([2, 2, 3]))))
    joined = " and ".join([", ".join(cities[:-1]), cities[-1]]) if len(cities) > 1 else cities[0]
    s.user(rng.choice(["Compare the weather in {j}.", "What's the weather in {j}?",
                       "How is the weather in {j} today?"]).format(j=joined))
    obs = s.call([("get_weather", {"city": c}) for c in cities],
                 f"The user asks about {len(cities)} cities. I will call get_weather for each of them at once.")
    ws = [observation_json(o) for o in obs]
    parts = [f"{w['city']}: {_deg(w)}, {w['condition']}." for w in ws]
    return s.answer(" ".join(parts), "I have the weather for every city. I can answer.",
                    [str(w["temperature"]) for w in ws])


_OPS = [("+", "plus"), ("-", "minus"), ("*", "times")]


def calculator_single(s, pools, world, rng):
    a, b = pools.number(), pools.number()
    op, word = rng.choice(_OPS + [("/", "divided by")])
    if op == "/":
        a = a * rng.randint(2, 12)
    expr = f"{a} {op} {b}"
    if rng.random() < 0.3:
        c = pools.number(2, 50)
        op2 = rng.choice(["+", "-", "*"])
        expr = f"({expr}) {op2} {c}"
        text = rng.choice(["Calculate {e}.", "What is {e}?", "Compute {e} for me."]).format(e=expr)
    else:
        text = rng.choice([f"What is {expr}?", f"Calculate {expr}.", f"How much is {a} {word} {b}?",
                           f"what's {a} {word} {b}"])
    s.user(text)
    [obs] = s.call([("calculator", {"expression": expr})], "This is arithmetic. I will use the calculator.")
    return s.answer(f"{expr} = {obs}.", f"The calculator returned {obs}.", [obs])


def convert_single(s, pools, world, rng):
    value, src, dst = world.conversion(rng, pools)
    s.user(ask(rng, "convert", pools.wording, v=value, a=src, b=dst))
    [obs] = s.call([("convert_units", {"value": value, "from_unit": src, "to_unit": dst})],
                   f"I need to convert {src} to {dst}. I will call convert_units.")
    result = world.conversion_result(obs)
    return s.answer(f"{value} {src} is {result} {dst}.", f"convert_units returned {result}.", [result])


def weather_then_convert(s, pools, world, rng):
    city = pools.city()
    target = rng.choice(["kelvin", "fahrenheit"])
    s.user(ask(rng, "weather_unit", pools.wording, c=city, t=target))
    [obs] = s.call([("get_weather", {"city": city})],
                   f"First I need the temperature in {city}, then I convert it to {target}.")
    w = observation_json(obs)
    [conv] = s.call([("convert_units", {"value": w["temperature"], "from_unit": "celsius", "to_unit": target})],
                    f"It is {w['temperature']} celsius. Now I convert it to {target}.")
    result = world.conversion_result(conv)
    return s.answer(f"It is {result} {target} in {w['city']} ({w['temperature']}°C).",
                    "I have the converted temperature. I can answer.", [result])


def weather_then_calculate(s, pools, world, rng):
    a, b = pools.city(), pools.city()
    while b == a:
        b = pools.city()
    # A sum or a difference: "difference" is a subtraction, a first-named minus second-named.
    subtract = rng.random() < 0.5
    s.user(ask(rng, "weather_diff" if subtract else "weather_sum", pools.wording, a=a, b=b))
    obs = s.call([("get_weather", {"city": a}), ("get_weather", {"city": b})],
                 "I need both temperatures first. I will call get_weather twice.")
    wa, wb = (observation_json(o) for o in obs)
    if subtract:
        expr = f"{wa['temperature']} - {wb['temperature']}"
        [diff] = s.call([("calculator", {"expression": expr})], f"Now I subtract them: {expr}.")
        return s.answer(f"{wa['city']} is {_deg(wa)} and {wb['city']} is {_deg(wb)}; the difference is {diff}°C.",
                        f"The difference is {diff}.", [diff])
    expr = f"{wa['temperature']} + {wb['temperature']}"
    [total] = s.call([("calculator", {"expression": expr})], f"Now I add them: {expr}.")
    return s.answer(f"{wa['city']} is {_deg(wa)} and {wb['city']} is {_deg(wb)}; together {total}°C.",
                    f"The sum is {total}.", [total])


def notes_search(s, pools, world, rng):
    topic = pools.topic()
    hit = rng.random() < 0.8
    world.seed_notes(rng, pools, topic, include=hit)
    s.user(ask(rng, "notes", pools.wording, t=topic))
    [obs] = s.call([("search_notes", {"query": topic})], f"I will search the notes for {topic}.")
    best = world.best_note(obs)
    if best is None:
        return s.answer(f"I found no notes about {topic}.", "No note matches.", ["no notes"])
    return s.answer(f"According to your note [{best['id']}]: {best['snippet']}",
                    f"The best match is {best['id']}. I will answer with a citation.", [best["id"]])


def files_list(s, pools, world, rng):
    directory = pools.directory()
    names = world.seed_files(rng, pools, directory)
    s.user(ask(rng, "files_list", pools.wording, d=directory))
    [obs] = s.call([("list_files", {"directory": directory})], f"I will list the files in {directory}.")
    return s.answer(f"{directory} contains: {', '.join(names)}.", "I have the listing.", names)


def files_read(s, pools, world, rng):
    names = world.seed_files(rng, pools, ".")
    name = rng.choice(names)
    s.user(ask(rng, "files_read", pools.wording, f=name))
    [obs] = s.call([("read_file", {"path": name})], f"I will read {name}.")
    return s.answer(f"{name} says: {obs}", "I have the file content.", [obs[:40]])


def files_write(s, pools, world, rng):
    name = pools.file_name()
    content = world.sentence(rng, pools)
    s.user(rng.choice(["Write '{c}' to {f}.", "Save the text '{c}' in {f}.", "Create {f} containing '{c}'."]).format(c=content, f=name))
    s.call([("write_file", {"path": name, "content": content})], f"I will write the text to {name}.")
    return s.answer(f"Saved {name}.", "The file was written.", [name])


def files_copy(s, pools, world, rng):
    names = world.seed_files(rng, pools, ".")
    src, dst = rng.choice(names), pools.file_name()
    s.user(rng.choice(["Copy {a} to {b}.", "Make a copy of {a} named {b}."]).format(a=src, b=dst))
    [text] = s.call([("read_file", {"path": src})], f"I read {src} first, then write it to {dst}.")
    s.call([("write_file", {"path": dst, "content": text})], f"Now I write the content to {dst}.")
    return s.answer(f"Copied {src} to {dst}.", "Both steps are done.", [dst])


def recover_missing_file(s, pools, world, rng):
    names = world.seed_files(rng, pools, ".")
    real = rng.choice(names)
    typo = world.misspell(rng, real)
    s.user(f"Read {typo}.")
    [err] = s.call([("read_file", {"path": typo})], f"I will read {typo}.")
    [text] = s.call([("read_file", {"path": real})], f"{typo} does not exist, but {real} does. I will read that instead.")
    return s.answer(f"{typo} does not exist; {real} says: {text}", "I recovered from the missing file.", [real])


def recover_tool_error(s, pools, world, rng):
    if rng.random() < 0.5:
        a = pools.number()
        expr = f"{a} / 0"
        s.user(rng.choice([f"What is {expr}?", f"Calculate {expr}."]))
        [err] = s.call([("calculator", {"expression": expr})], "I will use the calculator.")
        return s.answer(f"I cannot compute {expr}: division by zero is undefined.",
                        "The calculator reported an error. I explain it.", ["division by zero"])
    value, src, dst = pools.number(), *rng.choice([("kg", "km"), ("celsius", "liters"), ("miles", "grams")])
    s.user(f"Convert {value} {src} to {dst}.")
    [err] = s.call([("convert_units", {"value": value, "from_unit": src, "to_unit": dst})],
                   f"I will call convert_units for {src} to {dst}.")
    return s.answer(f"I cannot convert {src} to {dst}: they measure different things.",
                    "The units are incompatible. I explain it.", ["cannot convert"])


def no_tool(s, pools, world, rng):
    name = pools.invented_name()
    kind = rng.randrange(4)
    if kind == 0:
        s.user(rng.choice(["Hi!", "Hello", "Good morning!", "Hey there"]))
        return s.answer("Hello! How can I help you today?", "A greeting. No tool is needed.", ["Hello"])
    if kind == 1:
        s.user(f"Say hello to {name}.")
        return s.answer(f"Hello, {name}!", "A simple greeting. No tool is needed.", [name])
    if kind == 2:
        phrase = world.sentence(rng, pools)
        s.user(f"Repeat after me: {phrase}")
        return s.answer(phrase, "The user wants the phrase repeated. No tool is needed.", [phrase[:30]])
    s.user(rng.choice(["Thanks!", "Thank you very much.", "thanks, that helps"]))
    return s.answer("You're welcome!", "The user says thanks. No tool is needed.", ["welcome"])


def follow_up(s, pools, world, rng):
    a, b = pools.city(), pools.city()
    s.user(f"What's the weather in {a}?")
    [obs] = s.call([("get_weather", {"city": a})], f"I will call get_weather for {a}.")
    w = observation_json(obs)
    s.reply(f"It is {_deg(w)} and {w['condition']} in {w['city']}.", "I can answer.")
    s.user(rng.choice(["And in {b}?", "What about {b}?", "How about {b}?"]).format(b=b))
    [obs] = s.call([("get_weather", {"city": b})], f"Now the user asks about {b}. I will call get_weather.")
    w = observation_json(obs)
    return s.answer(f"It is {_deg(w)} and {w['condition']} in {w['city']}.", "I can answer.",
                    [str(w["temperature"])])


# family -> (scenario, relative weight, tools it needs)
REACT_FAMILIES: dict[str, tuple[Scenario, float, tuple[str, ...]]] = {
    "weather_single": (weather_single, 3, ("get_weather",)),
    "weather_parallel": (weather_parallel, 2, ("get_weather",)),
    "calculator": (calculator_single, 3, ("calculator",)),
    "convert": (convert_single, 2, ("convert_units",)),
    "weather_then_convert": (weather_then_convert, 2.5, ("get_weather", "convert_units")),
    "weather_then_calculate": (weather_then_calculate, 2.5, ("get_weather", "calculator")),
    "notes": (notes_search, 2.5, ("search_notes",)),
    "files_list": (files_list, 1.5, ("list_files",)),
    "files_read": (files_read, 1.5, ("read_file",)),
    "files_write": (files_write, 1.5, ("write_file",)),
    "files_copy": (files_copy, 1.5, ("read_file", "write_file")),
    "recover_missing_file": (recover_missing_file, 2, ("read_file",)),
    "recover_tool_error": (recover_tool_error, 1, ("calculator", "convert_units")),
    "no_tool": (no_tool, 2, ()),
    "follow_up": (follow_up, 1, ("get_weather",)),
}
