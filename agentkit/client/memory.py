"""A small long-term memory: what one session learned, carried into the next in a file.

A session's history is gone when it ends. `Memory` keeps a short list of
notes (a summary of the session, facts the agent found) in a JSON file, and
opens the next session with them in one message, so the model starts from
what it knew without the tokens of the whole old conversation.

Why the memory goes in once, at the start: the server's prompt cache reuses
the longest unchanged prefix of the prompt. A memory message written at the
start of a session and never edited costs its tokens once, then is cached
with everything else; editing it mid-session would force a re-prefill of
everything after it (on a hybrid model, from the last stored boundary
before it). New notes are added to the file for the next session, not
written into the running one.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ValidationError

MEMORY_HEADER = "What you remember from earlier sessions:"


class MemoryFileError(ValueError):
    """The memory file exists but is not a memory file."""


class Memory(BaseModel):
    """Notes kept across sessions, oldest first."""

    notes: list[str] = []
    """One note per entry: a session summary or a fact."""
    max_notes: int = 20
    """Older notes are dropped beyond this, so the memory cannot grow without bound."""

    @classmethod
    def load(cls, path: Path) -> Memory:
        """The memory in `path`; an empty one when the file does not exist yet."""
        if not path.exists():
            return cls()
        try:
            return cls.model_validate_json(path.read_text(encoding="utf-8"))
        except ValidationError as error:
            raise MemoryFileError(f"{path} is not a memory file ({error.error_count()} problem(s)): "
                                  "move it away or delete it, and a new one is started") from None

    def save(self, path: Path) -> None:
        """Write the memory to `path` (the folder must exist)."""
        path.write_text(self.model_dump_json(indent=2) + "\n", encoding="utf-8")

    def remember(self, note: str) -> None:
        """Add a note for the next session; the oldest go past `max_notes`."""
        self.notes = [*self.notes, note.strip()][-self.max_notes:]

    def opening_message(self) -> dict | None:
        """The user message that opens a session with what is remembered; None when nothing is."""
        if not self.notes:
            return None
        return {"role": "user", "content": "\n".join([MEMORY_HEADER, *(f"- {n}" for n in self.notes)])}
