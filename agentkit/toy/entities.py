"""Entity pools for the synthetic transcripts, split into train and held-out.

A toy model that sees "Paris" a thousand times in training can answer a
question about Paris by memory. We want the opposite: a model that copies the
city, the file name or the number from the prompt into its tool call. So every
entity is drawn from one of two disjoint pools, and evaluation only ever uses
the held-out pool. Most names are invented (random pronounceable words split
between the pools by a hash), which gives the model far more distinct names to
copy than any list of real places; real city names are split by a fixed list.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Literal

from agentkit.toy.wording import Wording

from agentkit.toy.words import common_words, pick, prompt_words

Split = Literal["train", "heldout"]

# Real places are split in two: the first half may appear in training, the
# second half only in evaluation (and in the kit's demo suites).
_REAL_CITIES = [
    "Oslo", "Madrid", "Cairo", "Lima", "Dublin", "Hanoi", "Quito", "Accra",
    "Riga", "Perth", "Osaka", "Porto", "Bergen", "Tunis", "Leeds", "Kyoto",
    "Lyon", "Gdansk", "Busan", "Cusco", "Dakar", "Tartu", "Malaga", "Izmir",
    # held-out from here on
    "Paris", "Lisbon", "Seoul", "Tokyo", "Berlin", "Nairobi", "Denver",
    "Toronto", "Mumbai", "Sydney", "Vienna", "Bogota", "Warsaw", "Athens",
    "Boston", "Prague", "Santiago", "Helsinki", "Manila", "Zurich",
    "Glasgow", "Austin", "Krakow", "Seville",
]
_SPLIT_AT = 24

_VOWELS = "aeiouy"
_CONSONANTS = "bcdfghjklmnprstvwxz"
# Invented names are split by a stable hash: a name is held out when its
# digest starts with one of these hex digits (1 in 8 of all names). Both
# splits come from the same distribution, which is what "held out" means.
_HELDOUT_DIGITS = "0d"
_TOPICS = {
    "train": ["gardening", "sourdough", "chess openings", "bird migration",
              "tea brewing", "bicycle repair", "knot tying", "tide pools",
              "pottery glazes", "coffee roasting", "kite design", "map reading",
              "beekeeping", "sailing knots", "cheese aging", "fern care",
              "rock climbing", "origami", "jazz chords", "home brewing"],
    "heldout": ["volcanoes", "lighthouses", "glaciers", "solar panels",
                "mushroom foraging", "typography", "paper making",
                "clock repair", "coral reefs", "desert plants"],
}

_FILE_STEMS = {
    "train": ["todo", "report", "draft", "budget", "ideas", "agenda", "log",
              "summary", "plan", "recipe", "letter", "inventory", "schedule",
              "journal", "minutes", "checklist"],
    "heldout": ["memo", "outline", "roster", "invoice", "itinerary", "ledger",
                "readme", "manifest"],
}
_DIRS = {"train": ["docs", "work", "archive", "data", "drafts"],
         "heldout": ["projects", "shared", "inbox"]}

# Fixed names keep their split even as plain words (see EntityPools.allows).
_HELDOUT_FIXED, _TRAIN_FIXED = (
    {w.lower() for w in cities + _TOPICS[split] + _FILE_STEMS[split] + _DIRS[split]}
    for split, cities in (("heldout", _REAL_CITIES[_SPLIT_AT:]), ("train", _REAL_CITIES[:_SPLIT_AT])))


@dataclass(frozen=True)
class EntityPools:
    """Draws entities for one split with a seeded random generator."""

    split: Split
    rng: random.Random
    wording: Wording = "train"
    """Which wordings requests use: the training ones, or the paraphrases kept for evaluation."""

    def city(self) -> str:
        real = _REAL_CITIES[:_SPLIT_AT] if self.split == "train" else _REAL_CITIES[_SPLIT_AT:]
        # Invented names teach copying; real ones keep the text natural; plain
        # words teach copying the tokens the prompts are made of (see words.py).
        roll = self.rng.random()
        if roll < 0.3:
            return self.rng.choice(real)
        if roll < 0.5:
            return self.word().capitalize()
        return self.invented_name()

    def allows(self, word: str) -> bool:
        """Whether a plain word may appear in this split: its hash says so and no fixed list says otherwise."""
        other = _HELDOUT_FIXED if self.split == "train" else _TRAIN_FIXED
        return name_split(word) == self.split and word.lower() not in other

    def word(self) -> str:
        """A plain English word or a word of the kit's prompts, from this split's half."""
        return pick(self.rng, self.rng.choice([common_words(), prompt_words()]), self.allows)

    def invented_name(self, words: int | None = None) -> str:
        """A pronounceable made-up name from this split's half of the name space."""
        while True:
            n = words or (2 if self.rng.random() < 0.15 else 1)
            name = " ".join(_random_word(self.rng).capitalize() for _ in range(n))
            # Real city names are split by the list above, never by the hash.
            if name_split(name) == self.split and name not in _REAL_CITIES:
                return name

    # Fixed lists keep the text natural; invented words (the majority) make the
    # model copy what it reads instead of recalling the few names it knows.
    def topic(self) -> str:
        roll = self.rng.random()
        if roll < 0.3:
            return self.rng.choice(_TOPICS[self.split])
        if roll < 0.5:
            return self.word().lower()
        return self.invented_name().lower()

    def file_name(self) -> str:
        roll = self.rng.random()
        if roll < 0.2:
            stem = self.rng.choice(_FILE_STEMS[self.split])
        elif roll < 0.4:
            stem = f"{self.rng.choice(_FILE_STEMS[self.split])}_{self.invented_name(words=1).lower()}"
        elif roll < 0.7:
            stem = self.word().lower()
        else:
            stem = self.invented_name(words=1).lower()
        return stem + self.rng.choice([".txt", ".md", ".csv"])

    def directory(self) -> str:
        roll = self.rng.random()
        if roll < 0.3:
            return self.rng.choice(_DIRS[self.split])
        if roll < 0.6:
            return self.word().lower()
        return self.invented_name(words=1).lower()

    def number(self, low: int = 2, high: int = 999) -> int:
        return self.rng.randint(low, high)

    def decimal(self) -> float:
        return round(self.rng.uniform(0.5, 500.0), self.rng.choice([0, 1, 2]))


def _random_word(rng: random.Random) -> str:
    # Mostly consonant-vowel alternation, with the odd cluster, over the whole
    # alphabet: many distinct token sequences for the model to learn to copy.
    letters = []
    vowel = rng.random() < 0.3
    for _ in range(rng.randint(3, 9)):
        letters.append(rng.choice(_VOWELS if vowel else _CONSONANTS))
        vowel = not vowel if rng.random() < 0.85 else vowel
    return "".join(letters)


def name_split(name: str) -> Split:
    """Which split an invented name belongs to (stable across runs and machines)."""
    digest = hashlib.sha1(name.lower().encode("utf-8")).hexdigest()
    return "heldout" if digest[0] in _HELDOUT_DIGITS else "train"


def heldout_real_cities() -> list[str]:
    """Real city names the toy models never saw in training."""
    return list(_REAL_CITIES[_SPLIT_AT:])


def heldout_fixed_names() -> set[str]:
    """The fixed held-out names (cities, topics, file stems, folders), lower-cased."""
    return set(_HELDOUT_FIXED)


def training_vocabulary() -> set[str]:
    """Every fixed name that may appear in training (for leak checks in tests)."""
    return set(_REAL_CITIES[:_SPLIT_AT]) | set(_TOPICS["train"]) | set(_FILE_STEMS["train"])
