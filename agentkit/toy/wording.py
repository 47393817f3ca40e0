"""How users word their requests: varied wordings for training, unseen ones for evaluation.

A tiny model trained on three phrasings of "what's the weather" learns those
three strings, not the intent: asked "How hot is it in Oslo, in kelvin?" it
skipped the conversion. So each intent gets many training wordings, wrapped in
random openers and closers, and a separate set of paraphrases that never
appears in training: `agentkit toy eval` asks those to measure whether the
toys learned the intent or the sentence (a test holds the two sets apart).
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from typing import Literal

from agentkit.toy.composed_wording import compose

Wording = Literal["train", "paraphrase"]

TRAIN: dict[str, list[str]] = {
    "weather": [
        "What's the weather in {c}?", "How warm is it in {c} right now?", "Weather for {c}, please.",
        "Is it sunny in {c}?", "Tell me the current weather in {c}.", "what is the weather like in {c}?",
        "How's the weather in {c}?", "Is it cold in {c}?", "What are the conditions in {c}?",
        "Check the weather in {c}.", "Current weather in {c}?", "What is it like outside in {c}?",
        "Do I need a jacket in {c}?", "Look up the weather for {c}.", "weather in {c}",
        "What temperature is it in {c}?", "How hot is it in {c}?", "Give me the weather report for {c}.",
    ],
    "weather_unit": [
        "What is the temperature in {c} in {t}?", "Give me the temperature of {c} in {t}.",
        "How hot is {c} in {t}?", "What is the weather in {c} in {t}?", "Weather in {c}, in {t}.",
        "Tell me how warm {c} is in {t}.", "What's the temperature in {c}, expressed in {t}?",
        "I need the temperature of {c} in {t}.", "How cold is {c} in {t}?",
        "Convert the temperature in {c} to {t}.", "{c} temperature in {t}?",
        "What's the weather in {c}? Answer in {t}.",
    ],
    "weather_sum": [
        "What is the temperature in {a} plus the temperature in {b}?",
        "Add up the temperatures of {a} and {b}.", "What do the temperatures in {a} and {b} sum to?",
        "What is the sum of the temperatures in {a} and {b}?", "Add the temperature of {a} to that of {b}.",
        "Total of the temperatures in {a} and {b}?",
    ],
    "weather_diff": [
        "What is the temperature in {a} minus the temperature in {b}?",
        "Subtract the temperature of {b} from the temperature of {a}.",
        "What is the difference between the temperatures in {a} and {b}?",
        "How much warmer is {a} than {b}?", "Temperature difference: {a} minus {b}?",
        "Get the weather in {a} and {b}, then tell me the difference.",
        "Compare the temperatures of {a} and {b}: what is the difference?",
    ],
    "convert": [
        "Convert {v} {a} to {b}.", "How many {b} is {v} {a}?", "What is {v} {a} in {b}?",
        "{v} {a} to {b}, please.", "How much is {v} {a} in {b}?", "Express {v} {a} in {b}.",
        "What's {v} {a} in {b}?", "I have {v} {a}. How many {b} is that?",
    ],
    "notes": [
        "What do my notes say about {t}?", "Search my notes for {t}.", "Find my notes on {t}.",
        "Do I have notes about {t}?", "What did I write about {t}?", "Check my notes about {t}.",
        "Look up {t} in my notes.",
    ],
    "files_list": [
        "What files are in {d}?", "List the files in {d}.", "Show me the contents of the {d} folder.",
        "What is in the {d} directory?", "Which files does {d} hold?",
    ],
    "files_read": [
        "What does {f} say?", "Read {f} for me.", "Show me {f}.", "Open {f}.", "What is in {f}?",
        "Print the contents of {f}.",
    ],
}

# Never used in training: the wordings `agentkit toy eval` tests generalisation with.
PARAPHRASE: dict[str, list[str]] = {
    "weather": [
        "Any idea what the weather is doing in {c}?", "I'm heading to {c}. What's it like there?",
        "Could you find out the weather over in {c}?", "{c}: sunny or not?", "Is it raining in {c}?",
    ],
    "weather_unit": [
        "How hot is it in {c}, in {t}?", "I'd like the temperature of {c} expressed in {t}.",
        "Tell me {c}'s temperature, but in {t}.", "In {t}, how warm is it in {c} at the moment?",
        "What does the thermometer read in {c}, in {t}?",
    ],
    "weather_sum": [
        "If you add the temperatures in {a} and {b} together, what do you get?",
        "Sum the temperatures of {a} and {b} for me.", "Combine the temperatures of {a} and {b}: what total?",
    ],
    "weather_diff": [
        "What's the temperature difference between {a} and {b}?",
        "By how many degrees is {a} warmer than {b}?", "How far apart are the temperatures of {a} and {b}?",
        "Take the temperature in {b} away from the one in {a}.",
    ],
    "convert": [
        "{v} {a} equals how many {b}?", "Turn {v} {a} into {b}.", "Could you change {v} {a} into {b}?",
    ],
    "notes": [
        "Look through my notes for anything on {t}.", "Is there a note about {t}?",
        "Have I written anything down about {t}?",
    ],
    "files_list": ["Which files can you see in {d}?", "Give me a listing of {d}."],
    "files_read": ["Could you open {f} and tell me what it says?", "I want to see what {f} contains."],
}

_OPENERS = ["", "", "", "", "Hi! ", "Hey, ", "Quick question: ", "Please: ", "Hello. ", "Can you help? "]
_CLOSERS = ["", "", "", "", " Thanks!", " Thank you.", " Please.", " Thanks in advance."]


def ask(rng: random.Random, intent: str, wording: Wording = "train", **fields: object) -> str:
    """One user request for `intent`, with its fields filled in.

    Training wordings get a random opener and closer, and sometimes a lower-case
    start, so the model keys on the intent's words rather than on a sentence.
    Paraphrases are returned as written: they test exactly the unseen wording.
    A training request that happens to match a paraphrase is drawn again.
    """
    if wording != "train":
        return rng.choice(PARAPHRASE[intent]).format(**fields)
    while True:
        # A third from the hand-written sentences, the rest composed from parts.
        text = (rng.choice(TRAIN[intent]) if rng.random() < 0.35 else compose(rng, intent)).format(**fields)
        if not any(p.search(text) for p in _paraphrase_patterns()):
            break
    text = rng.choice(_OPENERS) + text + rng.choice(_CLOSERS)
    if rng.random() < 0.1:
        text = text[0].lower() + text[1:]
    return text


@lru_cache(maxsize=1)
def _paraphrase_patterns() -> list[re.Pattern]:
    """Each paraphrase as a pattern whose fields match any name."""
    return [re.compile(re.sub(r"\\\{\w+\\\}", ".+?", re.escape(w)), re.IGNORECASE)
            for ws in PARAPHRASE.values() for w in ws]
