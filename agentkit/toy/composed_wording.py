"""Training requests built from parts, so the toys meet hundreds of wordings per intent.

A dozen fixed sentences per intent taught the toys those sentences: asked the
same thing in a wording they had never read, they got fewer than half right.
Here each intent has a few frames, and each frame has choices written
`[a|b|c]` (an empty choice drops the part), so one frame yields dozens of
sentences and the model has to key on the words that carry the intent
("temperature", "kelvin", "difference", "notes") and on the names.

The frames avoid the distinctive words of the evaluation's paraphrases
(`wording.PARAPHRASE`: "heading", "thermometer", "far apart", "take ...
away", "combine", "equals", "turn into", "listing", "look through"), and
`wording.ask` redraws any sentence that matches a paraphrase exactly, so the
paraphrases stay unseen.
"""

from __future__ import annotations

import random
import re

FRAMES: dict[str, list[str]] = {
    "weather": [
        "[What's|What is|How's|How is] the [weather|current weather|weather report|forecast] "
        "[in|for|at] {c}[| today| right now| at the moment][?|.]",
        "[Tell me|Give me|Check|Get me|Find|Fetch] the [weather|current weather|weather report|conditions] "
        "[in|for] {c}[| today| right now][.|, please.]",
        "[Is it|Is it currently|Is it still] [sunny|cold|warm|hot|windy|cloudy|snowing|foggy|mild] in {c}[| today| now]?",
        "[How warm|How cold|How nice] is it in {c}[| today| right now| now]?",
        "[Do I need|Should I bring|Should I pack] [a jacket|an umbrella|a coat|sunglasses|a sweater] "
        "[in|for] {c}[| today| tomorrow]?",
        "[I'm going to|I'm flying to|I'm visiting|I'm driving to] {c}[| today| later]. "
        "[How's the weather|What's the weather like|Is it warm|What are the conditions] there?",
        "[Can|Could|Would] you [check|look up|tell me|find|get] the weather [in|for] {c}[| for me]?",
        "{c} weather[?|, please.|.]",
        "What [are the conditions|is it like outside|is the sky like] in {c}[| today]?",
        "Weather [in|for|at] {c}[?|, please.| now?]",
    ],
    "weather_unit": [
        "[What is|What's|Tell me|Give me|I need|Get me|Find] the temperature [in|of|for] {c} "
        "[in|as|measured in|expressed in] {t}[?|.|, please.]",
        "[What is|What's|Tell me|Give me|I need] {c}'s [temperature|current temperature] in {t}[?|.]",
        "[How warm|How hot|How cold] is {c}[| today| right now] in {t}?",
        "[How warm|How cold] is it in {c} [in|measured in] {t}?",
        "[In|Using|Measured in] {t}, [what is|what's|give me] the temperature [in|of] {c}[?|.]",
        "[What's|What is|Check|Get] the weather in {c}[?|.] [Answer|Reply|Give it|Report it] in {t}[.|, please.]",
        "[Convert|Express] the temperature [in|of] {c} [to|in] {t}[.|, please.]",
        "{c}[:|,] [temperature|current temperature] in {t}[?|, please.|.]",
        "[Get|Find|Look up|Check] the temperature in {c} and [convert|express] it [to|in] {t}[.|, please.]",
        "[Can|Could] you [tell me|get|find] the temperature [in|of] {c} in {t}?",
        "[Please |]give the temperature [in|of] {c} in {t}[.|, thanks.]",
    ],
    "weather_sum": [
        "What is the temperature in {a} plus the temperature in {b}?",
        "[Add|Add up] the temperatures [of|in|for] {a} and {b}[.|, please.]",
        "What [is|'s] the [sum|total] of the temperatures [in|of|for] {a} and {b}?",
        "What do the temperatures [in|of] {a} and {b} [add up to|sum to|come to]?",
        "[Get|Check|Look up] the weather in {a} and {b}, then [add|add up] the two temperatures[.|, please.]",
        "How much is the temperature of {a} plus that of {b}?",
        "{a} plus {b}: what is the total [temperature|of the temperatures]?",
        "[Can|Could] you add the temperature [in|of] {a} to the temperature [in|of] {b}?",
        "[Tell me|Give me|Work out] the [sum|total] of the temperatures [in|of] {a} and {b}[.|, please.]",
        "[Get|Find] the temperatures of {a} and {b} and add them[| up][.|, please.]",
    ],
    "weather_diff": [
        "What is the temperature in {a} minus the temperature in {b}?",
        "What is the difference between the temperatures [in|of] {a} and {b}?",
        "What is the difference in temperature between {a} and {b}[?| right now?]",
        "How much [warmer|hotter] is {a} than {b}[?| today?]",
        "[Subtract|Please subtract] the temperature [of|in] {b} from the temperature [of|in] {a}[.|, please.]",
        "[Get|Check|Look up] the [weather|temperatures] in {a} and {b}, then [tell me|give me|compute] the difference[.|, please.| for me.]",
        "Temperature difference[:|,] {a} minus {b}[?|.]",
        "[Compare|Check] the temperatures of {a} and {b}[:|;] what is the difference?",
        "How much does {a}'s temperature exceed {b}'s?",
        "{a} minus {b}: what is the [temperature difference|difference in temperature]?",
        "[Can|Could] you work out the temperature in {a} minus the one in {b}?",
    ],
    "convert": [
        "Convert {v} {a} [to|into] {b}[.|, please.| for me.]",
        "How many {b} [is|are in|make] {v} {a}?",
        "What is {v} {a} [in|as|expressed in] {b}?",
        "{v} {a} [in|to|as] {b}[?|, please.]",
        "[Please |]express {v} {a} in {b}.",
        "I have {v} {a}. [How many {b} is that|What is that in {b}]?",
        "[Can|Could] you convert {v} {a} [to|into] {b}?",
        "[How much|What] is {v} {a} when [converted to|measured in] {b}?",
    ],
    "notes": [
        "[What do|What did] my notes say about {t}?",
        "[Search|Check|Scan] my notes [for|about|on] {t}[.|, please.]",
        "[Find|Show me|Get] my notes [on|about] {t}[.|, please.]",
        "Do I have [any |]notes [about|on] {t}?",
        "What did I [write|note] about {t}[| in my notes]?",
        "[Anything|Something] in my notes about {t}?",
        "{t}: what do my notes say?",
        "[Can|Could] you search my notes for {t}[| for me]?",
        "Do I have a note [about|on] {t}[| somewhere]?",
        "[Did I make|Did I take|Did I write] a note about {t}?",
        "[Find|Show me|Open] the note [about|on] {t}[.|, please.]",
        "What does my note [about|on] {t} say?",
        "Do my notes say anything about {t}[| at all]?",
        "Search my notes for {t} and [tell me what I wrote|show me the best match][.|, please.]",
    ],
    "files_list": [
        "What [files are|is] in [the |]{d}[| folder| directory]?",
        "[List|Show me] the files in [the |]{d}[| folder| directory][.|, please.]",
        "Which files are in [the |]{d}[| folder| directory]?",
        "[Can|Could] you list [the files in|the contents of] {d}?",
        "What does the {d} [folder|directory] hold?",
    ],
    "files_read": [
        "What does {f} say?",
        "[What's|What is] in {f}?",
        "[Read|Show me|Open|Print] {f}[| for me|, please].",
        "[Show|Print|Give me] the [contents|text] of {f}[.|, please.]",
        "[Can|Could] you read {f}[| for me]?",
    ],
}

_CHOICE = re.compile(r"\[([^\[\]]*)\]")


def compose(rng: random.Random, intent: str) -> str:
    """One frame of `intent`, each `[a|b]` part replaced by a random choice; fields stay `{c}`."""
    frame = rng.choice(FRAMES[intent])
    return _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), frame)
