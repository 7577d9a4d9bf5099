"""The offline digits: the shipped file is the one its README names, laid out like MNIST."""

from __future__ import annotations

import hashlib

import numpy as np
from conftest import ROOT

from pitfalls.data.digits import load_digits, load_uci

SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


def test_shipped_file_is_the_documented_one():
    data = (ROOT / "data" / "digits" / "digits.csv.gz").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256
    assert SHA256 in (ROOT / "data" / "digits" / "README.md").read_text()


def test_uci_in_mnist_layout():
    d = load_uci()
    assert d.x_train.shape == (1438, 28, 28) and d.x_test.shape == (359, 28, 28)
    assert d.x_train.dtype == np.uint8 and d.x_train.max() == 255
    assert set(np.unique(d.y_train)) == set(range(10))
    assert d.x_train[:, :4, :].max() == 0, "MNIST-like margin: the digit sits inside a 4-px border"
    assert "offline stand-in" in d.source


def test_offline_falls_back_and_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("PITFALLS_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # no cached mnist.npz
    d = load_digits()
    assert "UCI" in d.source and "MNIST" in d.source
