"""Plain English words for names and free text in the synthetic transcripts.

Two lessons from the third training round shaped this module:
- A word that is one token in the toy tokenizer but only ever appears in one
  fixed place (the tool list, a prompt) is a token the model never learns to
  copy. "Lisbon", the example city of `get_weather`'s description, became one
  token that sat in every system prompt and was never a city, so asked about
  Lisbon the model wrote "File". Drawing some names from the very words of the
  prompts teaches it to copy those tokens anywhere.
- Learners type ordinary English ("Write 'Buy oat milk' to shopping.txt"). If
  every file and note in training reads "The meeting moved to Monday at 3 pm.",
  anything else is noise to the model. Random sentences over a few hundred
  common words teach it to copy text it has not seen as a whole.

Words go through the same hash split as invented names (`entities.name_split`),
so a held-out word never appears in training in any role.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

NOUNS = """
apple bread butter milk cheese coffee tea sugar salt rice pasta soup salad honey garden flower tree
forest river lake ocean island mountain valley desert field village town street road bridge station
harbor market school library museum office kitchen window door table chair lamp clock mirror shelf
book letter paper pencil notebook ticket phone camera bottle basket bucket ladder rope engine wheel
bicycle train plane boat ship truck horse bird fish whale bee wolf fox bear rabbit cat dog sheep cow
queen king worker farmer doctor teacher student painter baker driver sailor pilot farmer neighbor friend
family child brother sister cousin team crew club city country season winter summer spring autumn
morning evening night week month year minute hour birthday holiday festival concert meeting lesson
project budget invoice receipt order package parcel delivery battery light sound music song story
picture photo map plan idea question answer problem reason result price color stone metal glass wood
cotton wool shirt coat shoe hat umbrella blanket pillow candle soap towel brush paint oven stove
""".split()
VERBS = """
buy sell bring carry call check clean close cook cut draw drink drive eat fill find fix grow help keep
kick learn leave lift make mend move open order paint pick plant play pour print pull push read repair
return ring send sew share show sing sort start stop sweep take teach test tidy visit wash watch water
wrap write book cancel collect count email feed fold hang heat iron join label lock measure pack pay
""".split()
ADJECTIVES = """
old new big small long short warm cold quiet loud bright dark early late fresh dry wet clean heavy light
green blue red yellow white black brown golden silver round flat sharp soft hard sweet bitter busy
empty full open closed cheap rare simple strange tall wide narrow deep gentle rough smooth
""".split()
_FILLERS = ["the", "a", "of", "in", "on", "for", "with", "and", "to", "from", "near", "after", "before"]


@lru_cache(maxsize=1)
def prompt_words() -> tuple[str, ...]:
    """Every word of four letters or more in the kit's chat templates, prompts and tool descriptions."""
    # Imported here: the tools and prompts import nothing from the toy package,
    # but building the toolbox at import time would slow every `import`.
    import tempfile

    from agentkit.prompts import PROMPTS_DIR
    from agentkit.serving.chat_template import load_chat_template, render_chat
    from agentkit.tools import example_tools

    with tempfile.TemporaryDirectory(prefix="agentkit-words-") as root:
        schemas = example_tools(root, root).schemas()
    # What the model reads: the rendered tool block of each template (not the
    # template's source), and the prompts without their Jinja tags.
    messages = [{"role": "system", "content": "x"}, {"role": "user", "content": "x"}]
    texts = [render_chat(load_chat_template(name), messages, tools=schemas, add_generation_prompt=True)
             for name in ("qwen3.6", "hermes")]
    texts += [re.sub(r"{[%{#].*?[%}#]}", " ", p.read_text(encoding="utf-8"), flags=re.S)
              for p in sorted(PROMPTS_DIR.glob("*.jinja"))]
    words = {w for text in texts for w in re.findall(r"[A-Za-z]{4,}", text)}
    return tuple(sorted(words))


def common_words() -> tuple[str, ...]:
    return tuple(dict.fromkeys(NOUNS + VERBS + ADJECTIVES))


def phrase(rng: random.Random, allowed) -> str:
    """A short imperative note such as "Buy fresh bread", words filtered by `allowed`."""
    verb, noun = pick(rng, VERBS, allowed), pick(rng, NOUNS, allowed)
    extra = [pick(rng, ADJECTIVES, allowed)] if rng.random() < 0.5 else []
    tail = [rng.choice(_FILLERS[:6]), "the", pick(rng, NOUNS, allowed)] if rng.random() < 0.4 else []
    return " ".join([verb.capitalize(), *extra, noun, *tail])


def sentence(rng: random.Random, allowed, words: tuple[int, int] = (5, 14)) -> str:
    """A random but readable-looking sentence ending in a period."""
    out = []
    for i in range(rng.randint(*words)):
        roll = rng.random()
        if roll < 0.3 and i and out[-1] not in _FILLERS:
            out.append(rng.choice(_FILLERS))
        elif roll < 0.38:
            out.append(str(rng.randint(2, 99)))
        else:
            out.append(pick(rng, NOUNS if roll < 0.7 else VERBS if roll < 0.85 else ADJECTIVES, allowed))
    out[0] = out[0].capitalize()
    return " ".join(out) + "."


def pick(rng: random.Random, words, allowed) -> str:
    """A random word of `words` that `allowed` accepts (rejection sampling: the pools are small)."""
    while True:
        word = rng.choice(words)
        if allowed(word):
            return word
