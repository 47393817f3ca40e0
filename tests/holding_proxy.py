"""A TCP proxy in front of the real server that lets the first N requests through and holds the next.

A test of what a signal does mid-run needs the agent to be inside a request
when the signal comes. Waiting for the trace to show a model call and then
signalling races the toy model: on a busy 2-core machine the test can see the
event late, after the three-request run has already ended. Held at the proxy,
request N+1 never returns, so the run is still going for as long as the test
needs; the server itself stays untouched and answers the requests let through.
"""

from __future__ import annotations

import socket
import threading


class HoldingProxy:
    """`with HoldingProxy(server_port, let_through=1) as proxy:` point the client at `proxy.base_url`.

    `proxy.held` is set once a request past the first `let_through` has been
    held; nothing of it reaches the server.
    """

    def __init__(self, target_port: int, let_through: int) -> None:
        self.target_port, self.let_through = target_port, let_through
        self.held = threading.Event()
        self._requests = 0
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> HoldingProxy:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._closed.set()
        for sock in [self._listener, *self._sockets]:
            _hang_up(sock)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self._sockets += [client, upstream]
            threading.Thread(target=self._forward_requests, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    def _forward_requests(self, client: socket.socket, upstream: socket.socket) -> None:
        # A request's first bytes arrive in a chunk of their own: the client writes a request at once and
        # waits for its answer before the next, so a chunk that starts with a method starts a request.
        while chunk := self._receive(client):
            if chunk.startswith(b"POST "):
                with self._lock:
                    self._requests += 1
                    hold = self._requests > self.let_through
                if hold:
                    self.held.set()
                    self._closed.wait()
                    return
            upstream.sendall(chunk)
        _hang_up(upstream)

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        while chunk := self._receive(source):
            try:
                sink.sendall(chunk)
            except OSError:
                return
        _hang_up(sink)

    @staticmethod
    def _receive(sock: socket.socket) -> bytes:
        try:
            return sock.recv(65536)
        except OSError:
            return b""


def _hang_up(sock: socket.socket) -> None:
    """Close both ways now: close() alone waits for the other thread blocked in recv() on the same socket."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed, or never connected
    sock.close()
