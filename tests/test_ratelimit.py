"""Request budgets: counted per key, shared through Redis by several
servers, and never the reason a request fails when Redis is down."""

import logging
import socket
import uuid

import pytest

from iopnav import ratelimit
from iopnav.ratelimit import Limiter, Rate, limiter, parse_rate
from tests.support.databases import redis_available

needs_redis = pytest.mark.skipif(not redis_available(), reason="Redis is not reachable")


@pytest.mark.parametrize(
    "text, rate",
    [("60/minute", Rate(60, 60)), ("5/10s", Rate(5, 10)), ("1000 / hours", Rate(1000, 3600))],
)
def test_rates_read_as_written(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "sixty/minute", "0/minute", "5/0s", "5 per minute"])
def test_a_malformed_rate_is_refused(text):
    with pytest.raises(ValueError):
        parse_rate(text)


def test_an_invalid_setting_falls_back_to_the_default(monkeypatch, caplog):
    name = "t_" + uuid.uuid4().hex[:8]
    monkeypatch.setenv(f"IOP_RATE_LIMIT_{name.upper()}", "lots")
    with caplog.at_level(logging.ERROR, logger="iopnav.ratelimit"):
        assert limiter(name, "3/minute").rate == Rate(3, 60)
    assert "invalid" in caplog.text


def test_in_memory_the_budget_is_per_key():
    budget = Limiter("t", Rate(3, 60))
    assert [budget.hit("a") for _ in range(4)] == [True, True, True, False]
    assert budget.hit("b"), "another key has its own budget"
    assert 1 <= budget.retry_after("a") <= 60


@pytest.fixture
def clock(monkeypatch):
    """The limiter's time, set by the test: [epoch seconds], on a minute's edge."""
    now = [1_000_020.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    return now


@pytest.fixture(params=["memory", pytest.param("redis", marks=needs_redis)])
def store(request, monkeypatch):
    """Where counts are kept: this process, or Redis shared by servers."""
    monkeypatch.setenv("IOP_RATE_LIMIT_PREFIX", "iop-test-" + uuid.uuid4().hex)
    return "" if request.param == "memory" else "redis://127.0.0.1:6379/15"


def test_the_budget_does_not_double_across_a_windows_edge(clock, store):
    """Five tries in the last second of a minute and five in the first second
    of the next would pass two fixed windows: ten in two seconds."""
    budget = Limiter("edge", Rate(5, 60), store)
    clock[0] += 59
    assert all(budget.hit("a") for _ in range(5))
    clock[0] += 1.5
    assert not budget.hit("a")
    assert 55 <= budget.retry_after("a") <= 60, "the five leave the window a minute after"


def test_the_budget_comes_back_as_the_window_slides(clock, store):
    budget = Limiter("slide", Rate(4, 60), store)
    assert budget.hit("a") and budget.hit("a")
    clock[0] += 30
    assert budget.hit("a") and budget.hit("a") and not budget.hit("a")
    wait = budget.retry_after("a")
    assert 29 <= wait <= 31, "the two of 30 s ago leave the window in 30 s"
    clock[0] += wait - 3
    assert not budget.hit("a"), "asking before Retry-After is still too soon"
    clock[0] += 3
    assert budget.hit("a") and budget.hit("a"), "refused tries did not use up the budget"
    assert not budget.hit("a") and budget.hit("b"), "another key has its own budget"


@needs_redis
async def test_two_servers_share_one_budget_through_redis(monkeypatch):
    monkeypatch.setenv("IOP_RATE_LIMIT_PREFIX", "iop-test-" + uuid.uuid4().hex)
    url = "redis://127.0.0.1:6379/15"
    server_a, server_b = Limiter("chat", Rate(4, 60), url), Limiter("chat", Rate(4, 60), url)
    for _ in range(2):
        assert await server_a.hit_async("ip") and server_b.hit("ip")
    assert not await server_a.hit_async("ip") and not server_b.hit("ip")


async def test_redis_down_allows_and_says_so_once(caplog):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    budget = Limiter("down", Rate(1, 60), f"redis://127.0.0.1:{port}/0")
    with caplog.at_level(logging.WARNING, logger="iopnav.ratelimit"):
        assert all([budget.hit("k"), budget.hit("k"), await budget.hit_async("k")])
    assert caplog.text.count("cannot reach Redis") == 1
