"""A small, seeded generator of synthetic "ADS-B flight track" images.

The lesson this supports debugs an autoencoder trained on 64x64 single-channel
images of aircraft tracks recorded by an ADS-B receiver. Real recordings cannot
be downloaded in this course's environment, so we *make* a dataset with the
same character and ship it in ``data/flighttracks/``:

* each image is a black square (0) with the aircraft's ground track drawn as a
  thin, 1-pixel, non-antialiased line (255) -- so only about 1-2 % of the pixels
  are lit, which is exactly what makes naive losses/metrics misleading;
* most traffic follows a handful of shared **corridors** (airways crossing the
  receiver's area), a part of it **turns** onto another heading partway;
* a few aircraft are **circling** (holding patterns / orbits while burning fuel
  before landing) and a few are **off-corridor** (private flights on random
  headings). Those two kinds are labelled ``unusual``.

Everything is deterministic: the only randomness is one
``np.random.default_rng(seed)``; geometry uses scalar ``math`` functions and is
rounded to integer pixel centres before a plain integer Bresenham line is
drawn, so the pixels do not depend on Pillow's drawing code or on vectorised
floating-point evaluation order. Pillow is only used to encode/decode PNGs.

Usage::

    python -m pitfalls.flighttracks data/flighttracks          # (re)write
    python -m pitfalls.flighttracks data/flighttracks --verify # check only

TensorFlow is deliberately not imported here: the generator must work in the
lightweight test/CI environment and stay importable in a second.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

__all__ = [
    "CORRIDORS",
    "KINDS",
    "KIND_FRACTIONS",
    "UNUSUAL_KINDS",
    "render_track",
    "make_dataset",
    "encode_png",
    "write_dataset",
    "verify_dataset",
    "lit_fraction",
]

#: Default image side length in pixels.
SIZE = 64

#: Track kinds, in the order used for counts and in ``labels.csv``.
KINDS: tuple[str, ...] = ("corridor", "turning", "circling", "off_corridor")

#: Share of each kind. Corridor traffic (straight + turning) is 80 %, the two
#: "unusual" kinds 10 % each. Counts are exact (largest remainder), not drawn,
#: so the label counts are the same for every seed.
KIND_FRACTIONS: dict[str, float] = {
    "corridor": 0.65,
    "turning": 0.15,
    "circling": 0.10,
    "off_corridor": 0.10,
}

#: Kinds an anomaly detector is supposed to flag.
UNUSUAL_KINDS: frozenset[str] = frozenset({"circling", "off_corridor"})

#: The shared airways, as (heading in degrees, signed offset of the line from
#: the image centre in pixels) for a 64-px image. Headings are in image
#: coordinates (x to the right, y downwards), measured from +x towards +y. They
#: are spread out so that the corridors are visibly distinct; the offsets keep
#: every corridor well inside the receiver's square. Scaled with ``size``.
CORRIDORS: tuple[tuple[float, float], ...] = (
    (8.0, -13.0),
    (47.0, 7.0),
    (92.0, -9.0),
    (128.0, 4.0),
    (163.0, 16.0),
)

#: Per-track jitter of a corridor track around its corridor (1 sigma).
CORRIDOR_OFFSET_SIGMA = 1.2  # pixels (at size 64)
CORRIDOR_ANGLE_SIGMA = 1.5  # degrees

#: A track that leaves fewer lit pixels than this (a stub clipping a corner of
#: the square) is re-drawn: a receiver would not log it as a track.
MIN_TRACK_PIXELS = 16  # at size 64

#: Off-corridor tracks are re-drawn while they lie this close to a corridor,
#: so that "off_corridor" is not secretly a corridor track.
MIN_ANGLE_FROM_CORRIDOR = 12.0  # degrees
MIN_OFFSET_FROM_CORRIDOR = 6.0  # pixels (at size 64)

Point = tuple[float, float]
#: A leg of a flight: ("straight", length) or ("turn", signed degrees, radius).
Leg = tuple


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------


def _round(v: float) -> int:
    """Round half up. ``round()`` is banker's rounding; be explicit instead."""
    return math.floor(v + 0.5)


def _bresenham(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    """Integer pixels of the segment (x0, y0)-(x1, y1), both ends included.

    Classic all-octant Bresenham: the line is 8-connected and exactly one
    pixel wide, and it uses integers only, so it is identical on every
    machine and every Pillow version.
    """
    pixels = []
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx = 1 if x0 < x1 else -1
    sy = 1 if y0 < y1 else -1
    err = dx + dy
    while True:
        pixels.append((x0, y0))
        if x0 == x1 and y0 == y1:
            return pixels
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            x0 += sx
        if e2 <= dx:
            err += dx
            y0 += sy


def render_track(points: Sequence[Point], size: int = SIZE) -> np.ndarray:
    """Draw one flight track as a 1-px polyline on a black ``size`` x ``size`` image.

    ``points`` are the track's vertices in pixel coordinates (x right, y down;
    pixel centres at integers). They may lie outside the image: aircraft enter
    and leave the receiver's area, and only the part inside is drawn. Values
    are 0 (background) and 255 (track), no antialiasing, so the image is
    exactly binary and "fraction of lit pixels" is well defined.

    Returns a ``(size, size)`` uint8 array.
    """
    img = np.zeros((size, size), dtype=np.uint8)
    ints = [(_round(x), _round(y)) for x, y in points]
    if len(ints) == 1:
        ints = ints * 2
    for (x0, y0), (x1, y1) in zip(ints[:-1], ints[1:]):
        for x, y in _bresenham(x0, y0, x1, y1):
            if 0 <= x < size and 0 <= y < size:
                img[y, x] = 255
    return img


# --------------------------------------------------------------------------
# Flight paths
# --------------------------------------------------------------------------


def _fly(
    start: Point,
    heading_deg: float,
    legs: Sequence[Leg],
    wind: Point = (0.0, 0.0),
    max_turn_step_deg: float = 10.0,
) -> list[Point]:
    """Fly a sequence of legs from ``start`` and return the track's vertices.

    A leg is ``("straight", length)`` or ``("turn", degrees, radius)``; a
    positive turn increases the heading (clockwise on screen, i.e. a right
    turn, the standard direction of a holding pattern). Turns are split into
    steps of at most ``max_turn_step_deg`` so that arcs look round once drawn.
    ``wind`` is a drift in pixels per pixel flown; it makes repeated loops of a
    holding pattern slide sideways, as they do in real recordings.
    """
    x, y = start
    h = math.radians(heading_deg)
    wx, wy = wind
    pts: list[Point] = [(x, y)]
    for leg in legs:
        if leg[0] == "straight":
            length = float(leg[1])
            x += length * (math.cos(h) + wx)
            y += length * (math.sin(h) + wy)
            pts.append((x, y))
        elif leg[0] == "turn":
            angle, radius = math.radians(float(leg[1])), float(leg[2])
            steps = max(1, math.ceil(abs(math.degrees(angle)) / max_turn_step_deg))
            dh = angle / steps
            chord = 2.0 * radius * math.sin(abs(dh) / 2.0)
            for _ in range(steps):
                mid = h + dh / 2.0  # a chord points along the mid heading
                x += chord * math.cos(mid) + wx * radius * abs(dh)
                y += chord * math.sin(mid) + wy * radius * abs(dh)
                h += dh
                pts.append((x, y))
        else:
            raise ValueError(f"unknown leg {leg!r}")
    return pts


def _unit(deg: float) -> Point:
    return math.cos(math.radians(deg)), math.sin(math.radians(deg))


def _line_start(heading: float, offset: float, reach: float, size: int) -> Point:
    """A point ``reach`` px before the centre line position of an airway.

    The airway is the line with direction ``heading`` at signed distance
    ``offset`` from the image centre. Starting ``reach`` px upstream of the
    point closest to the centre puts the aircraft outside the receiver's square
    when ``reach`` exceeds the half diagonal.
    """
    c = (size - 1) / 2.0
    dx, dy = _unit(heading)
    nx, ny = -dy, dx  # left-hand normal
    return c + offset * nx - reach * dx, c + offset * ny - reach * dy


def _corridor_track(rng: np.random.Generator, size: int, turning: bool) -> list[Point]:
    """A track along one of the shared corridors, optionally with a gentle turn."""
    s = size / SIZE
    heading, offset = CORRIDORS[int(rng.integers(len(CORRIDORS)))]
    heading += rng.normal(0.0, CORRIDOR_ANGLE_SIGMA)
    offset = offset * s + rng.normal(0.0, CORRIDOR_OFFSET_SIGMA * s)
    if rng.random() < 0.5:  # traffic flies both ways along an airway
        heading, offset = heading + 180.0, -offset
    reach = 0.75 * size  # > half diagonal (0.707 * size): start outside
    start = _line_start(heading, offset, reach, size)
    if turning:
        # Fly into the square, turn gently somewhere in its middle part, leave.
        before = reach + rng.uniform(-0.25, 0.2) * size
        angle = rng.uniform(25.0, 70.0) * (1 if rng.random() < 0.5 else -1)
        radius = rng.uniform(0.12, 0.3) * size
        legs: list[Leg] = [
            ("straight", before),
            ("turn", angle, radius),
            ("straight", 1.5 * size),
        ]
    else:
        # Mostly a full crossing; sometimes the track starts or stops inside
        # (aircraft climbing into or descending out of the receiver's view).
        length = 2 * reach
        if rng.random() < 0.15:
            length = reach + rng.uniform(-0.1, 0.35) * size
        legs = [("straight", length)]
    return _fly(start, heading, legs)


def _circling_track(rng: np.random.Generator, size: int) -> list[Point]:
    """Fly in to a holding fix, hold (racetrack or orbits) with drift, fly out."""
    s = size / SIZE
    c = (size - 1) / 2.0
    fx = c + rng.uniform(-0.2, 0.2) * size
    fy = c + rng.uniform(-0.2, 0.2) * size
    inbound = rng.uniform(0.0, 360.0)
    ix, iy = _unit(inbound)
    reach = 0.75 * size
    start = (fx - reach * ix, fy - reach * iy)
    wind_dir = rng.uniform(0.0, 360.0)
    wind_speed = rng.uniform(0.0, 0.06)
    wind = (wind_speed * _unit(wind_dir)[0], wind_speed * _unit(wind_dir)[1])
    turn = 1 if rng.random() < 0.7 else -1  # standard holds turn right
    legs: list[Leg] = [("straight", reach)]
    if rng.random() < 0.6:
        # Racetrack holding pattern: 180-degree turn, leg, 180, leg, repeated.
        radius = rng.uniform(3.5, 6.0) * s
        leg_len = rng.uniform(6.0, 14.0) * s
        laps = int(rng.integers(1, 3))
        for _ in range(laps):
            legs += [
                ("turn", 180.0 * turn, radius),
                ("straight", leg_len),
                ("turn", 180.0 * turn, radius),
                ("straight", leg_len),
            ]
    else:
        # Orbits: one to two and a half full circles, drifting with the wind.
        radius = rng.uniform(4.0, 8.0) * s
        legs.append(("turn", 360.0 * turn * rng.uniform(1.0, 2.5), radius))
    # Leave towards the airport: sometimes out of the square, sometimes the
    # track ends inside when the aircraft descends below the receiver's view.
    legs.append(("turn", rng.uniform(-90.0, 90.0), 4.0 * s))
    legs.append(("straight", rng.uniform(0.1, 0.8) * size))
    return _fly(start, inbound, legs, wind=wind)


def _near_corridor(heading: float, offset: float, size: int) -> bool:
    """True if the airway (heading, offset) lies close to one of ``CORRIDORS``."""
    s = size / SIZE
    for ch, co in CORRIDORS:
        for h, o in ((heading, offset), (heading + 180.0, -offset)):
            dh = (h - ch + 180.0) % 360.0 - 180.0
            if abs(dh) < MIN_ANGLE_FROM_CORRIDOR and abs(o - co * s) < MIN_OFFSET_FROM_CORRIDOR * s:
                return True
    return False


def _off_corridor_track(rng: np.random.Generator, size: int) -> list[Point]:
    """A private flight: random heading and position, away from the airways.

    Half of them start or end inside the square (a small airfield nearby), and
    some wander with one gentle turn.
    """
    while True:
        heading = rng.uniform(0.0, 360.0)
        offset = rng.uniform(-0.4, 0.4) * size
        if not _near_corridor(heading, offset, size):
            break
    reach = 0.75 * size
    start = _line_start(heading, offset, reach, size)
    length = 2 * reach
    if rng.random() < 0.5:
        length = reach + rng.uniform(-0.2, 0.3) * size
    if rng.random() < 0.3:
        first = rng.uniform(0.5, 0.9) * length
        legs: list[Leg] = [
            ("straight", first),
            ("turn", rng.uniform(-60.0, 60.0), rng.uniform(0.1, 0.25) * size),
            ("straight", length - first),
        ]
    else:
        legs = [("straight", length)]
    return _fly(start, heading, legs)


def _kind_counts(n: int) -> dict[str, int]:
    """Exact counts per kind for ``n`` images (largest-remainder rounding)."""
    raw = {k: KIND_FRACTIONS[k] * n for k in KINDS}
    counts = {k: math.floor(v) for k, v in raw.items()}
    by_remainder = sorted(KINDS, key=lambda k: (-(raw[k] - counts[k]), KINDS.index(k)))
    for k in by_remainder[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def make_track(kind: str, rng: np.random.Generator, size: int = SIZE) -> list[Point]:
    """Vertices of one random track of the given ``kind`` (see ``KINDS``)."""
    if kind == "corridor":
        return _corridor_track(rng, size, turning=False)
    if kind == "turning":
        return _corridor_track(rng, size, turning=True)
    if kind == "circling":
        return _circling_track(rng, size)
    if kind == "off_corridor":
        return _off_corridor_track(rng, size)
    raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")


def make_dataset(n: int = 4000, seed: int = 0, size: int = SIZE) -> tuple[np.ndarray, list[dict]]:
    """Generate ``n`` track images and their labels, deterministically.

    Returns ``(images, labels)``: ``images`` is ``(n, size, size)`` uint8 with
    values 0/255; ``labels[i]`` is a dict with keys ``index``, ``filename``,
    ``kind`` and ``unusual`` (0/1) -- the same columns as ``labels.csv``.
    The number of images per kind is fixed by ``KIND_FRACTIONS``; which image
    gets which kind, and each track's shape, come from ``default_rng(seed)``.
    Tracks that would show fewer than ``MIN_TRACK_PIXELS`` lit pixels are
    re-drawn, so every image holds a visible track.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = np.random.default_rng(seed)
    counts = _kind_counts(n)
    kinds = [k for k in KINDS for _ in range(counts[k])]
    order = rng.permutation(n)
    images = np.zeros((n, size, size), dtype=np.uint8)
    labels: list[dict] = []
    for i in range(n):
        kind = kinds[int(order[i])]
        while True:
            img = render_track(make_track(kind, rng, size), size)
            if np.count_nonzero(img) >= MIN_TRACK_PIXELS * size / SIZE:
                break
        images[i] = img
        labels.append(
            {
                "index": i,
                "filename": f"images/track_{i:05d}.png",
                "kind": kind,
                "unusual": int(kind in UNUSUAL_KINDS),
            }
        )
    return images, labels


def lit_fraction(images: np.ndarray) -> float:
    """Mean fraction of non-zero pixels per image."""
    return float(np.count_nonzero(images) / images.size) if images.size else 0.0


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------

LABEL_COLUMNS = ("index", "filename", "kind", "unusual")
MANIFEST = "MANIFEST.sha256"


def encode_png(image: np.ndarray) -> bytes:
    """Encode a 2-D uint8 array as an 8-bit grayscale PNG, reproducibly.

    No metadata chunks (no time stamp, no text, no dpi), fixed compression
    level, ``optimize=False``: for a given Pillow/zlib build the bytes depend
    on the pixels only.
    """
    if image.dtype != np.uint8 or image.ndim != 2:
        raise ValueError("expected a 2-D uint8 array")
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG", optimize=False, compress_level=9)
    return buf.getvalue()


def _labels_csv(labels: Sequence[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(LABEL_COLUMNS)
    for row in labels:
        writer.writerow([row[c] for c in LABEL_COLUMNS])
    return buf.getvalue().encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(files: dict[str, bytes]) -> bytes:
    """``sha256sum`` format, sorted by path: check with ``sha256sum -c``."""
    lines = [f"{_sha256(files[p])}  {p}\n" for p in sorted(files)]
    return "".join(lines).encode("utf-8")


def _generated_files(n: int, seed: int) -> tuple[dict[str, bytes], np.ndarray, list[dict]]:
    """All files of the dataset as {relative path: bytes}, manifest excluded."""
    images, labels = make_dataset(n=n, seed=seed)
    files = {row["filename"]: encode_png(img) for row, img in zip(labels, images)}
    files["labels.csv"] = _labels_csv(labels)
    return files, images, labels


def write_dataset(out_dir: Path, n: int = 4000, seed: int = 0) -> dict:
    """Write the PNGs, ``labels.csv`` and ``MANIFEST.sha256`` under ``out_dir``.

    Stale ``images/track_*.png`` files from an earlier, larger run are removed
    so that the directory holds exactly what the manifest lists (plus any
    hand-written files such as ``README.md``, which are left alone).
    Returns a summary: counts per kind, mean lit fraction, bytes written.
    """
    out_dir = Path(out_dir)
    files, images, labels = _generated_files(n, seed)
    (out_dir / "images").mkdir(parents=True, exist_ok=True)
    for old in (out_dir / "images").glob("track_*.png"):
        if f"images/{old.name}" not in files:
            old.unlink()
    files[MANIFEST] = _manifest(files)
    for rel, data in files.items():
        path = out_dir / rel
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    return {
        "n": n,
        "seed": seed,
        "counts": dict(Counter(row["kind"] for row in labels)),
        "lit_fraction": lit_fraction(images),
        "bytes": sum(len(d) for d in files.values()),
    }


def _decode_png(data: bytes) -> np.ndarray | None:
    try:
        with Image.open(io.BytesIO(data)) as im:
            return np.asarray(im.convert("L") if im.mode != "L" else im).copy()
    except Exception:  # noqa: BLE001 - any unreadable file is just "different"
        return None


def verify_dataset(out_dir: Path, n: int = 4000, seed: int = 0, exact_bytes: bool = True) -> list[str]:
    """Compare the files under ``out_dir`` with what the generator makes now.

    Regenerates the dataset in memory and checks, file by file, the SHA-256 of
    the shipped bytes against the freshly encoded ones; also checks that
    ``MANIFEST.sha256`` matches both. Returns human-readable problems, empty
    when everything matches.

    When an image's bytes differ, it is decoded to tell a real pixel change
    apart from a mere re-encoding (a different Pillow/zlib build compresses
    the same pixels into different bytes). With ``exact_bytes=False`` such
    encoding-only differences are not reported: the data are the same.
    """
    out_dir = Path(out_dir)
    problems: list[str] = []
    if not out_dir.is_dir():
        return [f"{out_dir} does not exist"]
    expected, _, _ = _generated_files(n, seed)
    expected_manifest = _manifest(expected)

    missing, pixel_diff, byte_only = [], [], []
    for rel, data in expected.items():
        path = out_dir / rel
        if not path.is_file():
            missing.append(rel)
            continue
        shipped = path.read_bytes()
        if _sha256(shipped) == _sha256(data):
            continue
        if rel.endswith(".png"):
            a, b = _decode_png(shipped), _decode_png(data)
            if a is None or a.shape != b.shape or not np.array_equal(a, b):
                pixel_diff.append(rel)
            else:
                byte_only.append(rel)
        else:
            pixel_diff.append(rel)

    extra = []
    if (out_dir / "images").is_dir():
        extra = sorted(
            f"images/{p.name}" for p in (out_dir / "images").iterdir() if f"images/{p.name}" not in expected
        )

    def report(what: str, items: list[str]) -> None:
        if items:
            shown = ", ".join(items[:5])
            if len(items) > 5:
                shown += f", ... ({len(items)} in all)"
            problems.append(f"{what}: {shown}")

    report("missing files", missing)
    report("files whose content differs from the generator's", pixel_diff)
    report("unexpected extra files", extra)
    if exact_bytes:
        report(
            "PNG bytes differ although the pixels are identical (different Pillow/zlib build?)",
            byte_only,
        )

    manifest_path = out_dir / MANIFEST
    if not manifest_path.is_file():
        problems.append(f"{MANIFEST} is missing")
    elif manifest_path.read_bytes() != expected_manifest and (exact_bytes or not byte_only):
        problems.append(f"{MANIFEST} does not match the generator's files")
    return problems


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pitfalls.flighttracks",
        description="Write (or verify) the synthetic ADS-B flight-track image dataset.",
    )
    parser.add_argument("out_dir", type=Path, help="e.g. data/flighttracks")
    parser.add_argument("--n", type=int, default=4000, help="number of images (default 4000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--verify", action="store_true", help="only compare the files with the generator")
    args = parser.parse_args(argv)

    if args.verify:
        problems = verify_dataset(args.out_dir, n=args.n, seed=args.seed)
        for p in problems:
            print("PROBLEM:", p)
        print("OK: files match the generator" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0

    summary = write_dataset(args.out_dir, n=args.n, seed=args.seed)
    print(f"wrote {summary['n']} images (seed {summary['seed']}) to {args.out_dir}")
    for kind in KINDS:
        print(f"  {kind:13s} {summary['counts'].get(kind, 0)}")
    frac = summary["lit_fraction"]
    print(f"mean lit fraction: {frac:.4%} ({frac * SIZE * SIZE:.1f} px of {SIZE * SIZE})")
    print(f"total file bytes: {summary['bytes']}")
    if not 0.01 <= frac <= 0.02:
        print("WARNING: mean lit fraction outside [1 %, 2 %]", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
