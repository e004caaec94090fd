import pytest

from digitlib.data import Mnist, load_mnist


@pytest.fixture(scope="session")
def mnist() -> Mnist:
    """The real MNIST, from the cache that `make test` prefetches."""
    (x_train, y_train), (x_test, y_test) = load_mnist(verbose=False)
    return Mnist(x_train, y_train, x_test, y_test)
