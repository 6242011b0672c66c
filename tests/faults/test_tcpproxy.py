"""The fault suite's TCP proxy on its own: it forwards, cuts live
connections, refuses or blackholes new ones, and forwards again."""

import socket
import socketserver
import threading

import pytest

from tests.support.tcpproxy import TcpProxy


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while data := self.request.recv(1024):
            self.request.sendall(data)


@pytest.fixture
def proxy():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    running = TcpProxy(server.server_address[1]).start()
    yield running
    running.stop()
    server.shutdown()
    server.server_close()


def echo(port: int, payload: bytes = b"ping", timeout: float = 2) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(payload)
        return sock.recv(1024)


def test_forwards_both_ways(proxy):
    assert echo(proxy.port, b"hello") == b"hello"


def test_cut_closes_live_connections_and_refuses_new_ones_until_restored(proxy):
    live = socket.create_connection(("127.0.0.1", proxy.port), timeout=2)
    live.sendall(b"a")
    assert live.recv(10) == b"a"
    proxy.cut()
    assert live.recv(10) == b""  # the server side went away
    live.close()
    with pytest.raises(ConnectionRefusedError):
        echo(proxy.port)
    proxy.restore()
    assert echo(proxy.port) == b"ping"


def test_blackhole_accepts_and_never_answers(proxy):
    proxy.cut(blackhole=True)
    with pytest.raises(socket.timeout):
        echo(proxy.port, timeout=1)
    proxy.restore()
    assert echo(proxy.port) == b"ping"


def test_a_real_redis_through_the_proxy():
    redis = pytest.importorskip("redis")
    proxy = TcpProxy(6379).start()
    try:
        client = redis.Redis(port=proxy.port, socket_timeout=2, socket_connect_timeout=2)
        try:
            client.ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("Redis is not reachable at 127.0.0.1:6379")
        proxy.cut()
        with pytest.raises(redis.exceptions.ConnectionError):
            client.ping()
        proxy.restore()
        assert client.ping()
    finally:
        proxy.stop()
