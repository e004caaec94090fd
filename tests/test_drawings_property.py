"""Whatever bytes land in a drawings file, load_drawings raises nothing and keeps every line the
bytes did not touch (the promise of digitlib.drawings: a bad line is reported, the others kept)."""

import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digitlib.drawings import append_drawing, load_drawings
from digitlib.made_drawings import example_strokes, rare_styles

DRAWINGS = [
    (rare_styles()["crossed 7"][0][1], 7),
    (example_strokes()[1], 1),
    ([[(17000.0, 300.0), (16500.5, 9000.25)]], 4),  # pen-tablet units
]
#: Bytes that make trouble: brackets, quotes, digits, line ends, invalid UTF-8, and anything else.
NASTY = st.one_of(
    st.binary(max_size=64),
    st.lists(
        st.sampled_from([b"[", b"]", b"{", b"}", b'"', b",", b"1e400", b"\n", b"\r", b"\xff", b"\xe2"]), max_size=40
    ).map(b"".join),
    st.integers(min_value=1, max_value=20_000).map(lambda n: b"[" * n),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def written(tmp_path):
    path = tmp_path / "drawings.jsonl"
    path.unlink(missing_ok=True)
    for strokes, label in DRAWINGS:
        append_drawing(path, strokes, label)
    return path, path.read_bytes()


def loaded(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_drawings(path)


def is_kept_in_order(kept, found):
    remaining = iter(found)
    return all(any(drawing == other for other in remaining) for drawing in kept)


@SETTINGS
@given(extra=NASTY)
def test_bytes_appended_lose_no_drawing(tmp_path, extra):
    path, original = written(tmp_path)
    clean = loaded(path)
    path.write_bytes(original + extra)
    assert len(clean) == len(DRAWINGS) and is_kept_in_order(clean, loaded(path))


@SETTINGS
@given(extra=NASTY, where=st.floats(min_value=0, max_value=1))
def test_bytes_written_into_the_middle_lose_only_the_line_they_touch(tmp_path, extra, where):
    path, original = written(tmp_path)
    clean = loaded(path)
    at = round(where * len(original))
    path.write_bytes(original[:at] + extra + original[at:])
    starts = [0] + [i + 1 for i, byte in enumerate(original) if byte == ord("\n")][:-1]
    ends = [i + 1 for i, byte in enumerate(original) if byte == ord("\n")]
    untouched = [d for d, start, end in zip(clean, starts, ends) if end <= at or start > at]
    assert is_kept_in_order(untouched, loaded(path))
