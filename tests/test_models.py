import numpy as np
import pytest

import keras

from digitlib.models import (
    RandomStrokeWidth,
    build_augmentation,
    build_baseline,
    build_enhanced,
    load_pretrained,
    pretrained_weights_path,
)


def test_baseline_matches_the_original_demo():
    model = build_baseline()
    assert [layer.name for layer in model.layers if layer.weights] == ["conv1", "conv2", "dense", "probabilities"]
    assert model.count_params() == 320 + 18_496 + 1_179_776 + 1_290
    assert model.output_shape == (None, 10)


def test_augmented_baseline_has_the_same_weights_plus_augmentation():
    plain, augmented = build_baseline(), build_baseline(augment=True, seed=1)
    assert augmented.count_params() == plain.count_params()
    assert augmented.layers[0].name == "augmentation"


def test_enhanced_is_small_and_outputs_probabilities():
    model = build_enhanced(seed=0)
    assert model.count_params() <= 500_000
    probabilities = np.asarray(model(np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)))
    assert probabilities.shape == (4, 10)
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)


def test_augmentation_is_inactive_at_inference_and_keeps_a_black_border():
    images = np.zeros((8, 28, 28, 1), np.float32)
    images[:, 8:20, 12:16] = 1.0
    augment = build_augmentation(seed=3)
    assert np.array_equal(np.asarray(augment(images, training=False)), images)
    changed = np.asarray(augment(images, training=True))
    assert not np.allclose(changed, images)
    assert changed[:, :2].max() < 0.05 and changed[:, :, :2].max() < 0.05  # no mirrored strokes


def test_random_stroke_width_thickens_and_thins():
    image = np.zeros((1, 9, 9, 1), np.float32)
    image[0, 2:7, 4] = 1.0  # a one-pixel vertical bar
    images = np.repeat(image, 64, axis=0)
    out = np.asarray(RandomStrokeWidth(0.6, seed=0)(images, training=True))
    ink = out.sum(axis=(1, 2, 3))
    assert ink.max() > image.sum() + 1 and ink.min() < image.sum() - 0.5
    assert out.min() >= 0 and out.max() <= 1


def test_random_stroke_width_validates_factor():
    with pytest.raises(ValueError, match="factor must be between 0 and 1, got 1.5"):
        RandomStrokeWidth(1.5)


def test_pretrained_model_recognises_test_digits(mnist):
    from digitlib.preprocess import to_model_input

    model = load_pretrained()
    probabilities = model.predict(to_model_input(mnist.x_test[:1000]), verbose=0)
    assert probabilities.shape == (1000, 10)
    assert np.mean(probabilities.argmax(axis=1) == mnist.y_test[:1000]) >= 0.99


def test_missing_pretrained_weights_say_how_to_recreate_them(monkeypatch, tmp_path):
    monkeypatch.setattr("digitlib.models.pretrained_weights_path", lambda: tmp_path / "missing.weights.h5")
    with pytest.raises(FileNotFoundError, match="python -m digitlib.train"):
        load_pretrained()


def test_weights_are_shipped_inside_the_package():
    path = pretrained_weights_path()
    assert path.name.endswith(".weights.h5") and path.stat().st_size < 5_000_000
