"""A loopback TCP proxy that drops a connection after a given number of bytes.

Sits between the client and the test server; ``cut_after`` (bytes in both directions) is
taken by the next connection, so a test can cut a sync at any point of its conversation:
during login, in the middle of a push transaction, while COMMIT's reply is on the way back,
during the pull.  Both sockets are closed at once, as a pulled cable looks to both ends.
"""

from __future__ import annotations

import socket
import threading


class CuttingProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = int(self.listener.getsockname()[1])
        self.cut_after: int | None = None
        self.last_bytes = 0  # bytes the last finished connection carried
        self.cuts = 0
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._stop = True
        self.listener.close()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            budget, self.cut_after = self.cut_after, None
            threading.Thread(target=self._serve, args=(client, budget), daemon=True).start()

    def _serve(self, client: socket.socket, budget: int | None) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            client.close()
            return
        state = {"bytes": 0, "closed": False}
        lock = threading.Lock()

        def close_both() -> None:
            with lock:
                if state["closed"]:
                    return
                state["closed"] = True
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

        def pump(src: socket.socket, dst: socket.socket) -> None:
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    with lock:
                        room = None if budget is None else budget - state["bytes"]
                        state["bytes"] += len(data)
                    if room is not None and room < len(data):
                        if room > 0:
                            dst.sendall(data[:room])
                        self.cuts += 1
                        break
                    dst.sendall(data)
            except OSError:
                pass
            self.last_bytes = state["bytes"]
            close_both()

        t = threading.Thread(target=pump, args=(upstream, client), daemon=True)
        t.start()
        pump(client, upstream)
        t.join(timeout=5)
