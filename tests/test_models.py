import numpy as np
import pytest
from keras import ops

from digitlib.models import (
    AUGMENTATION,
    RandomAffine,
    RandomStrokeWidth,
    affine_transforms,
    build_augmentation,
    build_baseline,
    build_enhanced,
    layer_seeds,
    load_pretrained,
    pretrained_weights_path,
    single_image_internals,
    single_image_predictor,
    traced_for_one_image,
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


def four_dots(count: int) -> np.ndarray:
    """A probe whose distortion can be read back: four 3x3 dots, above, below, left and
    right of the middle."""
    images = np.zeros((count, 28, 28, 1), np.float32)
    for row, column in [(6, 14), (21, 14), (14, 6), (14, 21)]:
        images[:, row - 1 : row + 2, column - 1 : column + 2] = 1
    return images


def measured_distortions(images: np.ndarray) -> dict[str, np.ndarray]:
    """Each distortion's amount, read back from the four dots of each augmented probe."""
    from scipy import ndimage

    rows = []
    for image in images[..., 0]:
        labelled, count = ndimage.label(image > 0.05)
        assert count == 4, "the four dots must stay apart"
        dots = np.array(ndimage.center_of_mass(image, labelled, range(1, 5)))
        top, bottom = dots[dots[:, 0].argmin()], dots[dots[:, 0].argmax()]
        left, right = dots[dots[:, 1].argmin()], dots[dots[:, 1].argmax()]
        vertical, horizontal = bottom - top, right - left
        angle = np.degrees(np.arctan2(-horizontal[0], horizontal[1]))
        lean = np.degrees(np.arctan2(vertical[1], vertical[0])) - angle
        height, width = np.hypot(*vertical), np.hypot(*horizontal)
        down, across = dots.mean(axis=0)
        rows.append([angle, lean, height, width, down, across, image.sum() / (height * width)])
    names = ["angle", "slant", "height", "width", "shift down", "shift right", "stroke width"]
    return dict(zip(names, np.array(rows).T))


def test_augmentation_draws_each_distortion_independently():
    # With one seed for every layer, the layers drew the same numbers: a digit turned one
    # way was always zoomed and thinned the same way too (correlations near +-1).
    every = {"slant": 0.25, "width": 0.25}  # the shipped recipe leaves these two out
    augmented = np.asarray(build_augmentation(seed=0, strengths=every)(four_dots(2000), training=True))
    measured = measured_distortions(augmented)
    for name, values in measured.items():
        assert values.std() > 0, f"{name} never varies"
    correlations = np.corrcoef(np.array(list(measured.values())))
    names = list(measured)
    for i in range(len(names)):
        for j in range(i):
            assert abs(correlations[i, j]) < 0.1, (names[i], names[j], correlations[i, j])


def test_augmentation_reproduces_from_one_seed():
    images = four_dots(8)
    first = np.asarray(build_augmentation(seed=5)(images, training=True))
    again = np.asarray(build_augmentation(seed=5)(images, training=True))
    other = np.asarray(build_augmentation(seed=6)(images, training=True))
    assert np.array_equal(first, again) and not np.allclose(first, other)


def test_layer_seeds_are_distinct_and_reproducible():
    seeds = layer_seeds(3, 5)
    assert len(set(seeds)) == 5 and seeds == layer_seeds(3, 5)
    assert layer_seeds(None, 2) == [None, None]


def test_augmentation_strengths_can_be_switched_off_but_not_misnamed():
    images = four_dots(4)
    still = {name: 0 for name in AUGMENTATION}
    assert np.allclose(np.asarray(build_augmentation(seed=0, strengths=still)(images, training=True)), images,
                       atol=1e-5)  # fmt: skip
    with pytest.raises(ValueError, match=r"strengths must have keys among \['rotation_degrees', .* got \['zoom'\]"):
        build_augmentation(strengths={"zoom": 0.1})


def test_affine_transforms_turn_anticlockwise_and_move_as_told():
    bar = np.zeros((1, 28, 28, 1), np.float32)
    bar[0, 13:15, 14:24] = 1  # a bar pointing right from the middle
    turned = np.asarray(ops.image.affine_transform(bar, affine_transforms([90.0], [0.0], [0.0], [0.0], [0.0], [0.0])))
    rows, columns = np.nonzero(turned[0, ..., 0] > 0.5)
    assert rows.max() < 15 and rows.min() < 6 and np.ptp(columns) < 4  # it now points up
    moved = np.asarray(ops.image.affine_transform(bar, affine_transforms([0.0], [0.0], [0.0], [0.0], [2.0], [-3.0])))
    assert np.allclose(moved[0, 15:17, 11:21], 1)


def test_random_stroke_width_thickens_and_thins():
    image = np.zeros((1, 9, 9, 1), np.float32)
    image[0, 2:7, 4] = 1.0  # a one-pixel vertical bar
    images = np.repeat(image, 64, axis=0)
    out = np.asarray(RandomStrokeWidth(0.6, seed=0)(images, training=True))
    ink = out.sum(axis=(1, 2, 3))
    assert ink.max() > image.sum() + 1 and ink.min() < image.sum() - 0.5
    assert out.min() >= 0 and out.max() <= 1


def test_random_layers_validate_their_limits():
    with pytest.raises(ValueError, match="factor must be between 0 and 1, got 1.5"):
        RandomStrokeWidth(1.5)
    with pytest.raises(ValueError, match=r"width must be between 0 and 1 \(1 excluded\), got 1.2"):
        RandomAffine(width=1.2)
    with pytest.raises(ValueError, match="slant must be at least 0, got -0.1"):
        RandomAffine(slant=-0.1)


def test_enhanced_head_is_one_of_two():
    with pytest.raises(ValueError, match="head must be one of 'average', 'flatten', got 'dense'"):
        build_enhanced(head="dense")


def test_a_function_for_one_image_is_traced_once_and_checks_the_image():
    traces = []

    def doubled(batch):
        traces.append(batch.shape)
        return batch * 2

    on_one_image = traced_for_one_image(doubled)
    assert np.allclose(on_one_image(np.full((28, 28), 0.25)).numpy(), 0.5)
    assert on_one_image(np.ones((28, 28))).shape == (1, 28, 28, 1)
    assert traces == [(1, 28, 28, 1)]
    with pytest.raises(ValueError, match=r"image must have shape \(28, 28\), got float64 of shape \(28, 28, 1\)"):
        on_one_image(np.zeros((28, 28, 1)))


def test_single_image_functions_agree_with_the_model():
    model = build_enhanced(seed=0)
    image = np.random.default_rng(0).random((28, 28), dtype=np.float32)
    expected = np.asarray(model(image[np.newaxis, :, :, np.newaxis], training=False))[0]
    assert np.allclose(single_image_predictor(model)(image), expected, atol=1e-6)
    probabilities, saliency, maps = single_image_internals(model)(image)
    assert np.allclose(probabilities, expected, atol=1e-6)
    assert saliency.shape == (28, 28) and saliency.max() == pytest.approx(1.0) and saliency.min() >= 0
    assert maps.shape == (28, 28, 32)


def test_pretrained_model_recognises_test_digits(mnist):
    from digitlib.preprocess import to_model_input

    model = load_pretrained()
    probabilities = model.predict(to_model_input(mnist.x_test[:1000]), verbose=0)
    assert probabilities.shape == (1000, 10)
    assert np.mean(probabilities.argmax(axis=1) == mnist.y_test[:1000]) >= 0.99


def test_missing_pretrained_weights_say_how_to_recreate_them(monkeypatch, tmp_path):
    monkeypatch.setattr("digitlib.models.pretrained_weights_path", lambda which: tmp_path / "missing.weights.h5")
    with pytest.raises(FileNotFoundError, match="python -m digitlib.train"):
        load_pretrained()


def test_weights_are_shipped_inside_the_package():
    for which in ("shipped", "mnist"):
        path = pretrained_weights_path(which)
        assert path.name.endswith(".weights.h5") and path.stat().st_size < 5_000_000


def test_unknown_pretrained_weights_are_named():
    with pytest.raises(ValueError, match="which must be one of 'shipped', 'mnist', got 'pens'"):
        load_pretrained("pens")
