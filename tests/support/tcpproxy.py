"""A small TCP proxy a test owns, between a server under test and a shared
service (PostgreSQL, Redis), so the test can cut that service off for its
servers alone, never by stopping the machine's service.

  proxy = TcpProxy(5432).start()       # listens on 127.0.0.1:proxy.port
  proxy.cut()                          # live connections closed, new ones refused
  proxy.cut(blackhole=True)            # ...or accepted and never answered
  proxy.restore()                      # forwarding again, on the same port
  proxy.stop()
"""

import socket
import threading
from typing import List, Optional, Set


class TcpProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.mode = "forward"  # "forward", "refuse" or "blackhole"
        self._listener: Optional[socket.socket] = None
        self._lock = threading.Lock()
        self._live: Set[socket.socket] = set()
        self._held: List[socket.socket] = []
        self._stopped = False

    # --- control ------------------------------------------------------------
    def start(self) -> "TcpProxy":
        self._listen()
        return self

    def cut(self, blackhole: bool = False) -> None:
        """Close every live connection; new ones are refused (connection
        refused at once) or, with blackhole, accepted and never answered."""
        with self._lock:
            self.mode = "blackhole" if blackhole else "refuse"
        if not blackhole:
            self._close_listener()
        self._close_live()

    def restore(self) -> None:
        with self._lock:
            was, self.mode = self.mode, "forward"
            held, self._held = self._held, []
        for sock in held:
            _close(sock)
        if was == "refuse":
            self._listen()

    def stop(self) -> None:
        self._stopped = True
        self._close_listener()
        self._close_live()
        for sock in self._held:
            _close(sock)

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._live) // 2

    # --- internals ----------------------------------------------------------
    def _listen(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))  # the same port again after a refusing cut
        sock.listen(128)
        self.port = sock.getsockname()[1]
        self._listener = sock
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def _close_listener(self) -> None:
        sock, self._listener = self._listener, None
        if sock is not None:
            _close(sock)

    def _close_live(self) -> None:
        with self._lock:
            live, self._live = self._live, set()
        for sock in live:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopped:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # listener closed by cut() or stop()
            with self._lock:
                mode = self.mode
                if mode == "blackhole":
                    self._held.append(client)
                    continue
            if mode == "refuse":
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._live.update((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._live.discard(src)
                self._live.discard(dst)
            _close(src)
            _close(dst)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
