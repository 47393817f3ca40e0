"""The little world each synthetic transcript runs in: a workspace and a notes folder.

The file and notes tools are the kit's real tools, bound to a scratch
directory that is refilled for every transcript. That keeps observations
honest (a listing lists files that exist) while each transcript stays
independent of the others.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

from agentkit.toy import words
from agentkit.toy.entities import EntityPools
from agentkit.tools import ToolBox, example_tools

_CONVERSIONS = [("km", "m"), ("m", "cm"), ("mi", "km"), ("km", "mi"), ("ft", "m"), ("in", "cm"),
                ("kg", "lb"), ("lb", "kg"), ("g", "oz"), ("celsius", "fahrenheit"),
                ("fahrenheit", "celsius"), ("celsius", "kelvin"), ("l", "ml"), ("gal", "l")]
# People write units out ("10 miles"); convert_units accepts these and answers
# with the short name, so the model must learn that "miles" and "mi" agree.
_FULL_NAMES = {"km": "kilometers", "m": "meters", "cm": "centimeters", "mi": "miles", "ft": "feet",
               "in": "inches", "kg": "kilograms", "lb": "pounds", "g": "grams", "oz": "ounces",
               "l": "liters", "ml": "milliliters", "gal": "gallons"}
_SUBJECTS = ["the meeting", "the delivery", "the review", "the trip", "the launch", "the class"]
_VERBS = ["moved to", "is set for", "starts on", "was pushed to"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


class ToyWorld:
    """A scratch workspace and notes folder plus the toolbox bound to them."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="agentkit-toy-"))
        self.workspace = self.root / "workspace"
        self.notes_dir = self.root / "notes"
        self.reset()
        self.toolbox: ToolBox = example_tools(self.workspace, self.notes_dir)

    def reset(self) -> None:
        for d in (self.workspace, self.notes_dir):
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir(parents=True)
        # Files the scenario seeded (relative to root), so eval can rebuild the
        # exact world of a held-out task before the model acts in it.
        self.seeded: dict[str, str] = {}

    def restore(self, files: dict[str, str]) -> None:
        """Reset, then recreate a seeded world recorded in a Transcript."""
        self.reset()
        for rel, text in files.items():
            self._write(self.root / rel, text)

    def _write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.seeded[path.relative_to(self.root).as_posix()] = text

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # --- files -----------------------------------------------------------
    def sentence(self, rng: random.Random, pools: EntityPools) -> str:
        """Text for a file or a note: a schedule line, a short to-do, or a random sentence."""
        roll = rng.random()
        if roll < 0.35:
            return f"{rng.choice(_SUBJECTS).capitalize()} {rng.choice(_VERBS)} {rng.choice(_DAYS)} at {rng.randint(1, 12)} pm."
        if roll < 0.6:
            return words.phrase(rng, pools.allows)
        return words.sentence(rng, pools.allows)

    def seed_files(self, rng: random.Random, pools: EntityPools, directory: str) -> list[str]:
        folder = self.workspace / directory
        names: set[str] = set()
        while len(names) < rng.randint(2, 4):
            names.add(pools.file_name())
        for name in sorted(names):  # sorted: set order changes with PYTHONHASHSEED, and each text draws from rng
            self._write(folder / name, self.sentence(rng, pools))
        return sorted(names)

    def misspell(self, rng: random.Random, name: str) -> str:
        stem, dot, ext = name.rpartition(".")
        # Dropping one inner letter keeps the name recognisable, as real typos do.
        i = rng.randrange(1, max(2, len(stem) - 1))
        typo = stem[:i] + stem[i + 1:]
        return (typo if typo != stem else stem + "s") + dot + ext

    # --- notes -----------------------------------------------------------
    def seed_notes(self, rng: random.Random, pools: EntityPools, topic: str, include: bool) -> None:
        # A few distractor notes around the one that answers the question (if included).
        topics = {pools.topic() for _ in range(3)} - {topic} | ({topic} if include else set())
        for t in sorted(topics):
            note_id = t.replace(" ", "-")
            body = f"{t.capitalize()}: {words.sentence(rng, pools.allows, (8, 22))}"
            if rng.random() < 0.5:
                body += " " + words.sentence(rng, pools.allows)
            self._write(self.notes_dir / f"{note_id}.md", f"# {t.capitalize()}\n\n{body}\n")

    def best_note(self, observation: str) -> dict[str, Any] | None:
        try:
            value = json.loads(observation)
        except json.JSONDecodeError:
            return None  # the "no notes match" observation is plain text
        hits = value.get("hits", value) if isinstance(value, dict) else value
        return hits[0] if hits else None

    # --- units -----------------------------------------------------------
    def conversion(self, rng: random.Random, pools: EntityPools) -> tuple[float | int, str, str]:
        src, dst = (_FULL_NAMES.get(u, u) if rng.random() < 0.4 else u for u in rng.choice(_CONVERSIONS))
        value: float | int = pools.number(1, 500) if rng.random() < 0.6 else pools.decimal()
        return value, src, dst

    def conversion_result(self, observation: str) -> str:
        value = json.loads(observation)
        return str(value["result"]) if isinstance(value, dict) else str(value)
