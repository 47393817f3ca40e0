"""Make text from a model or a tool safe to print on a terminal.

A terminal obeys escape sequences in whatever it prints: ``ESC[2J`` clears
the screen, ``ESC]0;...BEL`` retitles the window, and ``ESC]52;c;...BEL``
writes to the clipboard (a model that read a hostile web page or file could
plant a command there). The model's text is data, so before it reaches the
terminal every control character except newline and tab is shown as a
visible escape (``\\x1b``) instead of being obeyed. Traces keep the raw text;
only what is printed is changed.

Text that is not UTF-8 (a file name read from disk, an argument typed in
another encoding) arrives as lone surrogates; `mend_surrogates` turns them
into the same visible ``\\xe9`` form, so writing it can never fail.
"""

from __future__ import annotations

import re

# C0 controls except \t and \n, DEL, and the C1 controls (0x9b is a one-byte CSI on some terminals).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def terminal_safe(text: str) -> str:
    """``text`` with every control character but newline and tab written out as ``\\xNN``."""
    text = mend_surrogates(text)
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def mend_surrogates(text: str) -> str:
    """Lone surrogates (undecodable bytes kept by Python's surrogateescape) as visible ``\\xNN``."""
    if not _SURROGATE.search(text):
        return text
    if _only_escapes(text):
        # surrogateescape gives back the original bytes; backslashreplace shows those that are not UTF-8.
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _only_escapes(text: str) -> bool:
    # surrogateescape makes U+DC80-U+DCFF only; other lone surrogates (from JSON "\ud800") are not bytes.
    return all(0xDC80 <= ord(ch) <= 0xDCFF for ch in _SURROGATE.findall(text))
