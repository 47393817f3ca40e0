"""A deadline for a whole request, not just for each read.

HTTP clients time out a read that waits too long; a server that answers 200
and then sends an SSE comment (`: keepalive`) every few seconds never lets a
read wait that long, so the request can last forever. mlx_lm.server sends such
comments while it processes a long prompt; a stuck server can send them
without end. A `Deadline` is a timer that, when it runs out, shuts the
response's socket down: the blocked read returns at once, the stream ends,
and the client asks `expired` to tell a deadline from a server that hung up.

    deadline = Deadline(600)
    with deadline:
        stream = sdk.chat.completions.create(..., stream=True)
        deadline.attach(stream.response)
        for chunk in stream: ...
    if deadline.expired: raise ...
"""

from __future__ import annotations

import socket
import threading
from typing import Any


class Deadline:
    """Cuts the attached HTTP response off when `seconds` have passed since entering the `with`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._response: Any = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def __enter__(self) -> Deadline:
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def attach(self, response: Any) -> None:
        """The httpx response to cut off (the openai SDK's `stream.response` or `http_response`)."""
        with self._lock:
            self._response = response
            expired = self.expired
        if expired:
            _shut_down(response)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            response = self._response
        if response is not None:
            _shut_down(response)


def _shut_down(response: Any) -> None:
    # shutdown(), not close(): it wakes a read blocked in another thread at once, on Linux and macOS.
    stream = getattr(response, "extensions", {}).get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
            return
        except OSError:
            pass
    try:
        response.close()
    except Exception:  # noqa: BLE001 (closing from another thread may race the reader; it is ending anyway)
        pass
