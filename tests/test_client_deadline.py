"""A server that answers 200 and then only sends SSE keep-alive comments must not hang a run.

The real mlx_lm.server sends `: keepalive` comments only while it processes a
prompt, so it cannot be made to send them forever; this tiny HTTP server plays
the stuck server that does. The flag the message names is checked on the CLI.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agentkit.client import OpenAIClient
from agentkit.errors import RequestTimeoutError


class KeepAliveForever(BaseHTTPRequestHandler):
    """200, then a keep-alive comment every 0.1 s (a non-streamed request gets one space at a time)."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            while not self.server.stopping.is_set():
                self.wfile.write(b": keepalive\n\n")
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass  # the client hung up: what the deadline is for

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stuck_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAliveForever)
    server.stopping = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.stopping.set()
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("stream", [True, False])
def test_keep_alive_comments_do_not_outlast_the_deadline(stuck_server, stream):
    client = OpenAIClient(base_url=stuck_server, model="m", deadline=1.0, timeout=30)
    started = time.monotonic()
    with pytest.raises(RequestTimeoutError) as caught:
        client.complete([{"role": "user", "content": "hi"}], stream=stream)
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"the deadline of 1 s let the request run {elapsed:.1f} s"
    assert "after 1 s" in caught.value.message
    assert "--request-timeout" in caught.value.fix


def test_the_flag_the_message_names_exists():
    from agentkit.cli import build_parser

    args = build_parser(only="run").parse_args(["run", "react", "task", "--request-timeout", "5"])
    assert args.request_timeout == 5.0
    with pytest.raises(SystemExit):
        build_parser(only="run").parse_args(["run", "react", "task", "--request-timeout", "0"])
