"""A TCP proxy on loopback that a test can cut and restore, to take a server away mid-conversation."""
from __future__ import annotations

import socket
import threading
import time
from typing import List, Optional, Set, Tuple


class TcpProxy:
    """Forwards connections from a free loopback port to ``target``; ``cut()`` drops every
    connection and refuses new ones until ``restore()``; ``delay_seconds`` holds back what
    clients send, as a slow server would seem. The target may be set after the proxy starts."""

    def __init__(self, target: Optional[Tuple[str, int]] = None) -> None:
        self.target = target
        self.delay_seconds = 0.0
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self._open = threading.Event()
        self._open.set()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._sockets: Set[socket.socket] = set()
        self.refused = 0
        self._threads: List[threading.Thread] = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def cut(self) -> None:
        """Drop every open connection and refuse new ones, as a database going away would."""
        self._open.clear()
        with self._lock:
            sockets, self._sockets = list(self._sockets), set()
        for sock in sockets:
            _close(sock)

    def restore(self) -> None:
        """Accept and forward connections again."""
        self._open.set()

    def close(self) -> None:
        self._stopped.set()
        self.cut()
        _close(self._listener)

    def __enter__(self) -> "TcpProxy":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            if not self._open.is_set() or self.target is None:
                self.refused += 1
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            for source, destination, slow in ((client, upstream, True), (upstream, client, False)):
                thread = threading.Thread(target=self._pump, args=(source, destination, slow), daemon=True)
                thread.start()

    def _pump(self, source: socket.socket, destination: socket.socket, slow: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if slow and self.delay_seconds:
                    time.sleep(self.delay_seconds)
                destination.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(destination)
            with self._lock:
                self._sockets.discard(source)
                self._sockets.discard(destination)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
