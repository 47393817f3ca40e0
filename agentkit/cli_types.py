"""argparse types for every command: a wrong value is one line from argparse, never a traceback.

argparse calls ``type=`` on the text of an option and, when it raises
`argparse.ArgumentTypeError`, prints ``agentkit run: error: argument
--max-steps: must be at least 1, got 0`` with the usage and exits 2. So each
range check lives here, once, and a command only names it:

    parser.add_argument("--max-steps", type=at_least(1), default=8)
    parser.add_argument("--port", type=port, default=None)

Checks that need the file system (a folder that must be a folder) are here
too: failing while parsing is better than failing after a server has started.
"""

from __future__ import annotations

import argparse
import math
import urllib.parse
from collections.abc import Callable
from pathlib import Path


def at_least(minimum: int) -> Callable[[str], int]:
    """An integer option that must be >= ``minimum`` (``at_least(1)``: a positive count)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expects a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    parse.__name__ = "integer"  # argparse names the type in some messages
    return parse


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expects a finite number, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """A number > 0: a memory size, a bandwidth, a timeout."""
    value = _finite(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {text}")
    return value


def non_negative_float(text: str) -> float:
    """A number >= 0."""
    value = _finite(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def port(text: str) -> int:
    """A TCP port to listen on, 1-65535 (0 would let the system pick one nobody is told about)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects a port number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1-65535, got {value} (leave --port out to pick a free one)")
    return value


def base_url(text: str) -> str:
    """An http(s) URL with a host, e.g. http://127.0.0.1:8080/v1."""
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 - reading it validates it (raises on 'http://h:99999')
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a URL ({error}); e.g. http://127.0.0.1:8080/v1") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http URL; e.g. http://127.0.0.1:8080/v1")
    return text


def folder(text: str) -> Path:
    """A folder that may not exist yet (it is created), but is not a file."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file, not a folder; give a folder path")
    return path


def existing_folder(text: str) -> Path:
    """A folder that must already exist."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is not a folder that exists; give an existing folder")
    return path


def file_path(text: str) -> Path:
    """A file to write: it may not exist yet, but must not be a folder."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder; give a file path, e.g. {Path(text) / 'run.jsonl'}")
    return path
