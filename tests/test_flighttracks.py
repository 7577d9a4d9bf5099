"""Tests for the synthetic flight-track dataset and its generator.

The shipped files in ``data/flighttracks/`` must be exactly what
``pitfalls.flighttracks`` makes now; the images must have the properties the
lesson relies on (64x64 uint8, thin tracks, ~1.5 % lit pixels, fixed label mix).
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pitfalls import flighttracks as ft

DATA = Path(__file__).resolve().parents[1] / "data" / "flighttracks"
N, SEED = 4000, 0
EXPECTED_COUNTS = {"corridor": 2600, "turning": 600, "circling": 400, "off_corridor": 400}


@pytest.fixture(scope="module")
def dataset() -> tuple[np.ndarray, list[dict]]:
    return ft.make_dataset(n=N, seed=SEED)


# -- shipped files ---------------------------------------------------------


def test_shipped_content_matches_generator() -> None:
    """Pixels, labels and file list equal a fresh regeneration."""
    assert ft.verify_dataset(DATA, n=N, seed=SEED, exact_bytes=False) == []


def test_shipped_bytes_match_generator() -> None:
    """Byte-for-byte (SHA-256) equality, including MANIFEST.sha256.

    If only this test fails, the pixels are fine but this Pillow/zlib build
    encodes PNGs differently from the one that wrote the files (see message).
    """
    assert ft.verify_dataset(DATA, n=N, seed=SEED) == []


def test_manifest_matches_files_on_disk() -> None:
    lines = (DATA / ft.MANIFEST).read_text().splitlines()
    assert len(lines) == N + 1  # every image + labels.csv
    for line in lines:
        digest, rel = line.split("  ", 1)
        assert hashlib.sha256((DATA / rel).read_bytes()).hexdigest() == digest, rel


def test_shipped_png_format() -> None:
    for i in (0, 1, N - 1):
        with Image.open(DATA / "images" / f"track_{i:05d}.png") as im:
            assert im.format == "PNG"
            assert im.mode == "L"  # single-channel, 8-bit
            assert im.size == (64, 64)
            assert set(np.unique(np.asarray(im)).tolist()) == {0, 255}


def test_labels_csv(dataset: tuple[np.ndarray, list[dict]]) -> None:
    with open(DATA / "labels.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0].keys()) == ["index", "filename", "kind", "unusual"]
    assert len(rows) == N
    _, labels = dataset
    for row, label in zip(rows, labels):
        assert int(row["index"]) == label["index"]
        assert row["filename"] == label["filename"]
        assert (DATA / row["filename"]).is_file()
        assert row["kind"] == label["kind"]
        assert int(row["unusual"]) == label["unusual"]


# -- properties of the data ------------------------------------------------


def test_shape_dtype_and_values(dataset: tuple[np.ndarray, list[dict]]) -> None:
    images, labels = dataset
    assert images.shape == (N, 64, 64)
    assert images.dtype == np.uint8
    assert set(np.unique(images).tolist()) == {0, 255}  # no antialiasing
    assert len(labels) == N


def test_lit_fraction(dataset: tuple[np.ndarray, list[dict]]) -> None:
    images, _ = dataset
    assert 0.01 <= ft.lit_fraction(images) <= 0.02
    per_image = np.count_nonzero(images.reshape(N, -1), axis=1)
    assert per_image.min() >= ft.MIN_TRACK_PIXELS  # every image shows a track
    assert per_image.max() <= 0.06 * 64 * 64  # thin lines, not blobs


def test_label_counts_and_unusual(dataset: tuple[np.ndarray, list[dict]]) -> None:
    _, labels = dataset
    assert dict(Counter(r["kind"] for r in labels)) == EXPECTED_COUNTS
    for r in labels:
        assert r["unusual"] == (1 if r["kind"] in ("circling", "off_corridor") else 0)
    assert sum(r["unusual"] for r in labels) == 800
    assert [r["index"] for r in labels] == list(range(N))


def test_kinds_are_shuffled(dataset: tuple[np.ndarray, list[dict]]) -> None:
    _, labels = dataset
    first = Counter(r["kind"] for r in labels[:400])
    assert len(first) == 4  # not sorted by kind


def test_corridor_traffic_is_shared(dataset: tuple[np.ndarray, list[dict]]) -> None:
    """Corridor tracks pile up on a few lines; off-corridor ones spread out."""
    images, labels = dataset
    kinds = np.array([r["kind"] for r in labels])

    def concentration(kind: str) -> float:
        heat = (images[kinds == kind] > 0).mean(axis=0).ravel()
        top = np.sort(heat)[::-1][: 64 * 64 // 4]  # hottest quarter of pixels
        return float(top.sum() / heat.sum())

    # Measured for seed 0: corridor 0.85, off_corridor 0.44.
    assert concentration("corridor") > 0.75
    assert concentration("corridor") > concentration("off_corridor") + 0.25


# -- generator behaviour ---------------------------------------------------


def test_render_track_is_thin_and_clipped() -> None:
    img = ft.render_track([(-10.0, 5.0), (100.0, 5.0)])
    assert img.shape == (64, 64) and img.dtype == np.uint8
    assert np.count_nonzero(img) == 64
    assert np.all(img[5] == 255)
    diag = ft.render_track([(0.0, 0.0), (63.0, 63.0)])
    assert np.array_equal(diag, np.eye(64, dtype=np.uint8) * 255)
    assert np.count_nonzero(ft.render_track([(200.0, 200.0), (300.0, 250.0)])) == 0


def test_same_seed_same_data_different_seed_different() -> None:
    a_img, a_lab = ft.make_dataset(n=200, seed=7)
    b_img, b_lab = ft.make_dataset(n=200, seed=7)
    c_img, c_lab = ft.make_dataset(n=200, seed=8)
    assert np.array_equal(a_img, b_img) and a_lab == b_lab
    assert [ft.encode_png(x) for x in a_img] == [ft.encode_png(x) for x in b_img]
    assert not np.array_equal(a_img, c_img)
    assert a_lab != c_lab


def test_write_is_deterministic_and_verify_catches_changes(tmp_path: Path) -> None:
    one, two, other = tmp_path / "one", tmp_path / "two", tmp_path / "other"
    ft.write_dataset(one, n=60, seed=3)
    ft.write_dataset(two, n=60, seed=3)
    ft.write_dataset(other, n=60, seed=4)
    manifest = (one / ft.MANIFEST).read_bytes()
    assert manifest == (two / ft.MANIFEST).read_bytes()
    assert manifest != (other / ft.MANIFEST).read_bytes()
    assert ft.verify_dataset(one, n=60, seed=3) == []
    assert ft.verify_dataset(one, n=60, seed=4) != []
    assert ft.main([str(one), "--n", "60", "--seed", "3", "--verify"]) == 0

    # A changed pixel, a missing file and a stray file are all reported.
    path = one / "images" / "track_00005.png"
    img = np.asarray(Image.open(path)).copy()
    img[0, 0] = 255 - img[0, 0]
    path.write_bytes(ft.encode_png(img))
    (one / "images" / "track_00007.png").unlink()
    (one / "images" / "track_99999.png").write_bytes(b"junk")
    problems = "\n".join(ft.verify_dataset(one, n=60, seed=3, exact_bytes=False))
    assert "track_00005.png" in problems
    assert "track_00007.png" in problems
    assert "track_99999.png" in problems

    # Rewriting repairs the directory, including removing stale images.
    ft.write_dataset(one, n=60, seed=3)
    assert not (one / "images" / "track_99999.png").exists()
    assert ft.verify_dataset(one, n=60, seed=3) == []
    ft.write_dataset(one, n=50, seed=3)
    assert len(list((one / "images").glob("*.png"))) == 50
    assert ft.verify_dataset(one, n=50, seed=3) == []
