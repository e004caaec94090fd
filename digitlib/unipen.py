"""Real pen-written digits and letters, by people who never wrote for MNIST (UNIPEN).

The course ships part of UNIPEN train_r01_v07 as package data (``digitlib/pen_data/``): every
isolated digit of 173 people, and their letters of :data:`LETTERS` (the ones
that cannot fairly be read as digits), each as the pen's trajectory.  It is CC BY 4.0; the
credit is in ``digitlib/pen_data/README.md`` and :data:`CREDIT`.

Each writer is on one side of a fixed split, over digits and letters together, so that no person
is on two sides: ``"train"`` (models may learn from them), ``"validation"`` (choices are made on
them) and ``"test"`` (used once, at the end).  How the split was drawn is said in
:func:`split_writers`.  :func:`load_pen_characters` reads the file, checks every array against the
SHA-256 recorded in :data:`ARRAY_SHA256` and returns one side's digits or letters.

``python -m digitlib.unipen --source DIR`` writes the package file again from the arrays described
in DIR/README.md (the course's copy came from ``shared/data/unipen``), and prints the hashes.
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from digitlib.validation import check_choice, check_scalar

#: Letters nobody fairly reads as a digit, upper and lower case (B, G, I, O, S, Z, b, g,
#: l, o, q, s, z look like digits in many hands, so they are neither rejected nor learnt):
#: the pen letters the package ships, and the letters the digit detector learns to refuse
#: (:mod:`digitlib.nondigits` uses them).
LETTERS = "ACEFHKMNPRUVWXacefhkmnpruvwx"
#: The sides of the split, in the order a project uses them.
SPLITS = ("train", "validation", "test")
#: Writers are dealt in blocks of this many of similar size (see :func:`split_writers`) ...
BLOCK = 20
#: ... and these ranks of a block (shifted by 0-2 at random) go to validation and test: 14 : 3 : 3.
SPREAD = {"validation": (0, 7, 14), "test": (3, 10, 17)}
#: Writers of more digits than this all go to the training side (see :func:`split_writers`).
LARGE_WRITER = 200
#: The seed of the permutation inside each block (see :func:`split_writers`).
SPLIT_SEED = 2026
PEN_DATA = "pen_data/unipen.npz"
CREDIT = (
    "UNIPEN train_r01_v07, The International Unipen Foundation, CC BY 4.0: Consortium (1999), "
    "Unipen data set of on-line (vectorial) handwriting - train_r01_v07 (December 1999), "
    "doi:10.5281/zenodo.1195803; Guyon, Schomaker, Plamondon, Liberman and Janet, ICPR 1994."
)
#: SHA-256 of each array of the shipped file (``python -m digitlib.unipen`` prints them).
ARRAY_SHA256 = {
    "digits_label": "d9cc20f9916524b13268575a168d4a448c46192ea504b4f82fa2251ed5d1297b",
    "digits_sample_strokes": "41b77d53dd9a1b5bb271b6461b735133455edd34ce2ea854346ce6a8cb77a499",
    "digits_steps": "a17bbd9b6dc3a216bbbc220eb415a8065889a3240e2aaad35aae8ce81bb4ccc2",
    "digits_stroke_points": "358997395d58650f56ea0e2d88e667a2a8a4d74648c7df75c4125e4aeb67423e",
    "digits_writer": "dba8a9c7f6f62f9c5a96fbc5faa33cbb928b0e85590724a5123da75d7f1b1e78",
    "letters_label": "ec9d1c074542e6bddc05f05d93659d1ad32147cf3f3d367a1f733e3a0a2728f8",
    "letters_sample_strokes": "9d3e7ed3a18d18a6570607bcf7170968564f5286988dfa6e38c2f5be9eb91df5",
    "letters_steps": "086bac1db3d5550368f669e7062e52e82fb4189eb2d8039c51305ecdaafb527a",
    "letters_stroke_points": "7dd980445af624cd66e1930d5c583e3f64f2f7586c16fd794b514a3968e638ab",
    "letters_writer": "e7458bd44d6c1155ce720e94b836cf872b28427f42ffdaa9935080f2e1e6cdfe",
    "writer_name": "d3bdece89b5c68d2cd53b1b79a39e9cccb936f0368fd687a3dfb81266e99acaf",
    "writer_site": "a62cbaa24db2b6d140957d6ebed816f217efe21bb1ccf7b4df4249e80284d484",
    "writer_split": "357ce2786a1b0a055e86019ce753e88fd6f8c1322002d2d9f96aae91d6fde4de",
}


@dataclass(frozen=True)
class PenCharacters:
    """Characters as written with a pen: ``strokes[i]`` is a list of (n, 2) float arrays of
    (x, y) points (tablet units, y down, the character's top-left ink at 0), ``labels[i]`` its
    label (an int 0-9 for digits, a one-letter str for letters) and ``writers[i]`` its writer
    (``site/name``)."""

    strokes: list[list[np.ndarray]]
    labels: np.ndarray
    writers: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


def pen_data_path() -> Path:
    """Where the pen data ships inside the package."""
    return Path(str(resources.files("digitlib") / PEN_DATA))


def _sha256(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def read_pen_data(path: str | Path | None = None) -> dict[str, np.ndarray]:
    """The arrays of the pen-data file, each checked against :data:`ARRAY_SHA256`.

    Raises ``ValueError`` naming the arrays that are missing or differ (a damaged or altered
    file); nothing is unpickled.
    """
    path = Path(path) if path is not None else pen_data_path()
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    missing = sorted(set(ARRAY_SHA256) - set(arrays))
    differ = sorted(name for name in set(ARRAY_SHA256) & set(arrays) if _sha256(arrays[name]) != ARRAY_SHA256[name])
    if missing or differ:
        raise ValueError(
            f"{path} is not the pen data this digitlib ships: "
            + "; ".join(filter(None, [missing and f"missing {missing}", differ and f"changed {differ}"]))
            + " (python -m digitlib.unipen writes it again)"
        )
    return arrays


def load_pen_characters(kind: str = "digits", split: str | None = None) -> PenCharacters:
    """The shipped pen-written ``kind`` (``"digits"`` or ``"letters"``) of one ``split`` of the
    writers (``"train"``, ``"validation"``, ``"test"``; ``None`` for all), in the file's order."""
    check_choice(kind, name="kind", choices=("digits", "letters"))
    check_choice(split, name="split", choices=(*SPLITS, None))
    arrays = read_pen_data()
    labels = arrays[f"{kind}_label"]
    writer = arrays[f"{kind}_writer"]
    chosen = np.ones(len(labels), bool) if split is None else arrays["writer_split"][writer] == split
    points = np.cumsum(arrays[f"{kind}_steps"].astype(np.int64), axis=0)  # steps restart at each stroke
    stroke_ends = np.cumsum(arrays[f"{kind}_stroke_points"])
    sample_ends = np.cumsum(arrays[f"{kind}_sample_strokes"])
    strokes = []
    for index in np.flatnonzero(chosen):
        first = sample_ends[index - 1] if index else 0
        character = []
        for stroke in range(first, sample_ends[index]):
            start = stroke_ends[stroke - 1] if stroke else 0
            steps = points[start : stroke_ends[stroke]]
            before = points[start - 1] if start else np.zeros(2, np.int64)
            character.append((steps - before).astype(np.float64))
        strokes.append(character)
    kept = labels[chosen]
    return PenCharacters(
        strokes=strokes,
        labels=kept.astype(np.int64) if kind == "digits" else kept,
        writers=arrays["writer_name"][writer[chosen]],
    )


#: A character whose ink's shorter side is under this share of its longer one is a line.
LINE_RATIO = 0.2


def is_line_or_dot(strokes: list[np.ndarray]) -> bool:
    """Whether a pen character is only a dot or a line: its ink's shorter side under
    :data:`LINE_RATIO` of its longer one.  A 1 may be so; a 0 or a 4 so drawn is a piece of a
    character that the collection's segmentation cut off (UNIPEN has a few)."""
    extent = np.ptp(np.concatenate(strokes), axis=0)
    return bool(extent.max() == 0 or extent.min() < LINE_RATIO * extent.max())


# --- writing the package file from UNIPEN's arrays --------------------------------------------


def split_writers(digits: dict[str, int], letters: dict[str, int], seed: int = SPLIT_SEED) -> dict[str, str]:
    """Each writer's side, from how many digits and letters each wrote.

    Writers of more than :data:`LARGE_WRITER` digits go to ``"train"``: four people wrote 29 % of
    the digits, and a side judged writer by writer must not be a handful of them.  The others are
    ranked by their digits, then their letters, largest first (ties by name), and dealt in blocks
    of :data:`BLOCK`: in each, the ranks of :data:`SPREAD`, shifted by an offset of 0-2 drawn with
    ``seed``, go to ``"validation"`` and ``"test"``, the rest to ``"train"`` (in the last, shorter
    block, ranks past its end go nowhere).  So the three sides get writers of every size, spread
    evenly within each block instead of by chance.
    """
    names = sorted(set(digits) | set(letters))
    large = [name for name in names if digits.get(name, 0) > LARGE_WRITER]
    ranked = sorted(set(names) - set(large), key=lambda n: (-digits.get(n, 0), -letters.get(n, 0), n))
    rng = np.random.default_rng(seed)
    split = dict.fromkeys(large, "train")
    for start in range(0, len(ranked), BLOCK):
        block = ranked[start : start + BLOCK]
        offset = int(rng.integers(BLOCK - max(SPREAD["test"])))
        sides = ["train"] * BLOCK
        for side, ranks in SPREAD.items():
            for rank in ranks:
                sides[rank + offset] = side
        split |= dict(zip(block, sides))
    return split


def _packed(source: dict[str, np.ndarray], keep: np.ndarray, writer_index: dict[str, int]) -> dict[str, np.ndarray]:
    """One kind's kept samples, their points as int16 steps from the previous point of the
    same stroke (a stroke's first step is from the character's top-left ink)."""
    points, stroke_start, sample_start = source["points"], source["stroke_start"], source["sample_start"]
    stroke_end = np.append(stroke_start[1:], len(points))
    sample_end = np.append(sample_start[1:], len(stroke_start))
    steps, stroke_points, sample_strokes = [], [], []
    for index in np.flatnonzero(keep):
        strokes = range(sample_start[index], sample_end[index])
        low = points[stroke_start[strokes[0]] : stroke_end[strokes[-1]]].min(axis=0)
        for stroke in strokes:
            xy = points[stroke_start[stroke] : stroke_end[stroke]] - low
            steps.append(np.diff(xy, axis=0, prepend=np.zeros((1, 2), xy.dtype)))
            stroke_points.append(len(xy))
        sample_strokes.append(len(strokes))
    steps = np.concatenate(steps)
    longest = np.abs(steps).max().item()
    check_scalar(longest, name="the longest step between two points (kept as int16)", high=np.iinfo(np.int16).max)
    names = source["writer_name"][source["writer"][keep]]
    return {
        "steps": steps.astype(np.int16),
        "stroke_points": np.array(stroke_points, np.int32),
        "sample_strokes": np.array(sample_strokes, np.int16),
        "label": source["label"][keep],
        "writer": np.array([writer_index[name] for name in names], np.int16),
    }


def write_pen_data(source: Path, output: Path, letters: str) -> dict[str, np.ndarray]:
    """Write the package file from UNIPEN's ``unipen_digits.npz`` and ``unipen_letters.npz`` in
    ``source``: every digit, the letters in ``letters``, and the writers' split."""
    with np.load(source / "unipen_digits.npz", allow_pickle=False) as npz:
        digits = {name: npz[name] for name in npz.files}
    with np.load(source / "unipen_letters.npz", allow_pickle=False) as npz:
        all_letters = {name: npz[name] for name in npz.files}
    kept_letters = np.isin(all_letters["label"], list(letters))
    counts = [
        dict(zip(*np.unique(kind["writer_name"][kind["writer"][keep]], return_counts=True)))
        for kind, keep in ((digits, np.ones(len(digits["label"]), bool)), (all_letters, kept_letters))
    ]
    split = split_writers(*counts)
    names = sorted(split)
    writer_index = {name: i for i, name in enumerate(names)}
    sites = {}
    for kind in (digits, all_letters):
        sites |= dict(zip(kind["writer_name"], kind["site"]))
    arrays = {
        "writer_name": np.array(names),
        "writer_site": np.array([sites[name] for name in names]),
        "writer_split": np.array([split[name] for name in names]),
    }
    for kind, data, keep in (
        ("digits", digits, np.ones(len(digits["label"]), bool)),
        ("letters", all_letters, kept_letters),
    ):
        arrays |= {f"{kind}_{key}": value for key, value in _packed(data, keep, writer_index).items()}
    output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(output, **arrays)
    return arrays


def main(argv: list[str] | None = None) -> int:
    """Command line: write the package's pen data from UNIPEN's arrays and print the hashes
    to record in ``ARRAY_SHA256``, and how the split came out."""
    parser = argparse.ArgumentParser(prog="python -m digitlib.unipen", description=main.__doc__)
    parser.add_argument(
        "--source", type=Path, required=True, help="folder with unipen_digits.npz and unipen_letters.npz"
    )
    parser.add_argument("--output", type=Path, default=pen_data_path(), help="default: %(default)s")
    args = parser.parse_args(argv)
    arrays = write_pen_data(args.source, args.output, LETTERS)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.2f} MB)")
    for side in SPLITS:
        writers = np.flatnonzero(arrays["writer_split"] == side)
        on_side = np.isin(arrays["digits_writer"], writers)
        per_writer = np.bincount(arrays["digits_writer"][on_side])
        top5 = np.sort(per_writer)[-5:].sum() / max(on_side.sum(), 1)
        letters_on_side = np.isin(arrays["letters_writer"], writers).sum()
        counted = f"{len(writers):3} writers, {on_side.sum():5} digits, {letters_on_side:5} letters"
        served = (per_writer >= 10).sum()
        print(f"{side:10} {counted} ({served} with 10 digits or more); the 5 largest hold {top5:.0%} of its digits")
    print("ARRAY_SHA256 = {")
    for name in sorted(arrays):
        print(f'    "{name}": "{_sha256(arrays[name])}",')
    print("}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
