"""Lesson 1's MNIST probe gives up quickly when the network is not there (no real network used).

Measured in a network namespace whose route drops every packet: the old probe (a socket timeout
of 2 s) waited 10 s, all of it in the name look-up, which no socket timeout bounds.
"""

from __future__ import annotations

import contextlib
import threading
import time

import pytest

from pitfalls.data import digits


@pytest.fixture
def hanging(monkeypatch):
    """A network whose name look-up never answers (until the test ends)."""
    release = threading.Event()

    def create_connection(*args, **kwargs):
        release.wait(60)
        raise OSError("timed out")

    monkeypatch.delenv("PITFALLS_OFFLINE", raising=False)
    monkeypatch.setattr(digits.socket, "create_connection", create_connection)
    yield
    release.set()


def test_a_hanging_network_is_given_up_within_the_probe_time(hanging):
    t0 = time.perf_counter()
    assert digits.network_reachable(timeout=0.3) is False
    assert time.perf_counter() - t0 < 1.0


def test_lesson_1_falls_back_to_the_shipped_digits_without_waiting(hanging, monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # no cached MNIST
    monkeypatch.setattr(digits, "PROBE_SECONDS", 0.3)
    t0 = time.perf_counter()
    loaded = digits.load_digits()
    assert loaded.source.startswith("UCI")
    assert time.perf_counter() - t0 < 0.3 + 3.0  # the probe, then reading the shipped file


def test_a_refused_connection_answers_no_at_once(monkeypatch):
    monkeypatch.delenv("PITFALLS_OFFLINE", raising=False)

    def refused(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(digits.socket, "create_connection", refused)
    t0 = time.perf_counter()
    assert digits.network_reachable() is False
    assert time.perf_counter() - t0 < 0.5


def test_an_open_connection_answers_yes(monkeypatch):
    monkeypatch.delenv("PITFALLS_OFFLINE", raising=False)
    seen = []

    def opened(address, timeout):
        seen.append((address, timeout))
        return contextlib.nullcontext()

    monkeypatch.setattr(digits.socket, "create_connection", opened)
    assert digits.network_reachable() is True
    assert seen == [(digits.MNIST_HOST, digits.PROBE_SECONDS)]


def test_offline_never_probes(monkeypatch):
    monkeypatch.setenv("PITFALLS_OFFLINE", "1")
    monkeypatch.setattr(digits.socket, "create_connection", lambda *a, **k: pytest.fail("probed"))
    assert digits.network_reachable() is False
