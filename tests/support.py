"""Helpers shared by the test suites (plain functions and classes; fixtures live in conftest)."""

from __future__ import annotations

import socket
import threading

__all__ = ["LoopbackListener"]


class LoopbackListener:
    """A TCP server on 127.0.0.1 that counts the connections made to it, to prove that nothing
    (owl:imports, SERVICE, FROM, a DOCTYPE, a remote JSON-LD context) reaches out. It answers
    each connection with an empty HTTP 200, so a control request that does connect completes."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(4096)
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/turtle\r\n\r\n")
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()
