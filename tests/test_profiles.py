import numpy as np
import pytest

from digitlib.profiles import PROFILE_ENV, PROFILES, get_profile


def test_full_is_the_default(monkeypatch):
    monkeypatch.delenv(PROFILE_ENV, raising=False)
    profile = get_profile()
    assert profile.name == "full" and not profile.is_quick
    assert profile.train_samples is None and profile.test_samples is None


def test_environment_selects_quick(monkeypatch):
    monkeypatch.setenv(PROFILE_ENV, " Quick ")
    profile = get_profile()
    assert profile.is_quick and profile.epochs <= 2
    assert profile.train_samples < 60000 and profile.test_samples < 10000


def test_unknown_profile_names_the_choices(monkeypatch):
    monkeypatch.setenv(PROFILE_ENV, "fast")
    with pytest.raises(
        ValueError, match=r"the profile \(from DIGITLIB_PROFILE\) must be one of 'full', 'quick', got 'fast'"
    ):
        get_profile()
    with pytest.raises(ValueError, match=r"the profile \(from the argument\) must be one of"):
        get_profile("slow")


def test_limit_takes_the_first_samples():
    x, y = np.arange(5000).reshape(5000, 1), np.arange(5000)
    x_small, y_small = PROFILES["quick"].limit(x, y, "train")
    assert len(x_small) == len(y_small) == PROFILES["quick"].train_samples
    assert np.array_equal(y_small, y[: len(y_small)])
    assert PROFILES["full"].limit(x, y, "test")[0] is x


def test_limit_validates_its_input():
    with pytest.raises(ValueError, match="split must be one of 'train', 'test', got 'validation'"):
        PROFILES["quick"].limit(np.zeros(3), np.zeros(3), "validation")
    with pytest.raises(ValueError, match="same length, got 3 and 2"):
        PROFILES["quick"].limit(np.zeros(3), np.zeros(2), "train")
