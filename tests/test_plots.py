import numpy as np
import pytest
from matplotlib.figure import Figure

from digitlib.plots import plot_class_balance, plot_digit_grid


def test_digit_grid_shows_each_digit_with_its_label(mnist):
    fig = plot_digit_grid(mnist.x_train[:12], mnist.y_train[:12], columns=5)
    assert isinstance(fig, Figure)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 12 and len(fig.axes) == 15  # 3 rows of 5, the last 3 left empty
    assert [ax.get_title() for ax in shown] == [str(d) for d in mnist.y_train[:12]]
    assert np.array_equal(shown[0].images[0].get_array(), mnist.x_train[0])
    assert fig.texts[0].get_text()  # a title


def test_digit_grid_accepts_a_channel_axis_and_no_labels():
    fig = plot_digit_grid(np.zeros((3, 28, 28, 1), np.float32))
    assert sum(1 for ax in fig.axes if ax.images) == 3
    assert all(ax.get_title() == "" for ax in fig.axes)


@pytest.mark.parametrize(
    "images, labels, message",
    [
        (np.zeros((28, 28)), None, r"images must have 3 or 4 axes, got float64 of shape \(28, 28\)"),
        (np.zeros((0, 28, 28)), None, r"images must not be empty, got float64 of shape \(0, 28, 28\)"),
        (np.zeros((4, 28, 28)), np.arange(3), "images and labels must have the same length, got 4 and 3"),
    ],
)
def test_digit_grid_rejects_bad_input(images, labels, message):
    with pytest.raises(ValueError, match=message):
        plot_digit_grid(images, labels)
    with pytest.raises(ValueError, match="columns must be at least 1, got 0"):
        plot_digit_grid(np.zeros((2, 28, 28)), columns=0)


def test_class_balance_bars_are_the_shares():
    y_train = np.array([0, 0, 1, 9], dtype=np.uint8)
    y_test = np.arange(10)
    fig = plot_class_balance(y_train, y_test)
    ax = fig.axes[0]
    heights = [patch.get_height() for patch in ax.patches]
    assert heights[:10] == pytest.approx([50, 25] + [0] * 7 + [25])
    assert heights[10:] == pytest.approx([10] * 10)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


@pytest.mark.parametrize(
    "y_train, message",
    [
        (np.array([0.5, 1.0]), "y_train must hold integers, got float64"),
        (np.array([[1, 2]]), "y_train must have 1 axis, got int64"),
        (np.array([3, 12]), "y_train must hold digits 0-9, got values from 3 to 12"),
        (np.array([], dtype=int), "must not be empty"),
    ],
)
def test_class_balance_rejects_bad_labels(y_train, message):
    with pytest.raises(ValueError, match=message):
        plot_class_balance(y_train, np.arange(10))


from digitlib.plots import (  # noqa: E402
    INK_RANGES,
    plot_class_means,
    plot_digit_geometry,
    plot_ink_heatmap,
    plot_lookalikes,
    plot_pixel_histogram,
)
from digitlib.preprocess import centers_of_mass, ink_bounding_boxes  # noqa: E402


def test_class_means_show_each_digits_average(mnist):
    x, y = mnist.x_test[:2000], mnist.y_test[:2000]
    fig = plot_class_means(x, y)
    assert len(fig.axes) == 10
    assert np.allclose(fig.axes[3].images[0].get_array(), x[y == 3].mean(axis=0))
    assert fig.axes[3].get_title() == f"3 (n={np.sum(y == 3):,})"


def test_class_means_need_every_digit():
    with pytest.raises(ValueError, match=r"labels must hold every digit 0-9, got none of \[2, 3, 4, 5, 6, 7, 8, 9\]"):
        plot_class_means(np.zeros((2, 28, 28)), np.array([0, 1]))


def test_pixel_histogram_counts_every_pixel(mnist):
    x = mnist.x_test[:100]
    fig = plot_pixel_histogram(x)
    all_pixels, ink_only = fig.axes
    assert sum(p.get_height() for p in all_pixels.patches) == x.size
    shares = [p.get_height() for p in ink_only.patches]
    assert len(shares) == len(INK_RANGES) and np.isclose(sum(shares), 100)
    ink = x[x > 0]
    assert np.isclose(shares[-1], np.mean(ink >= 250) * 100)  # the cores of strokes
    legend = [t.get_text() for t in ink_only.get_legend().get_texts()]
    assert legend[0] == f"grey edges (1–249): {np.mean(ink < 250) * 100:.0f} % in all"
    with pytest.raises(ValueError, match="must be uint8"):
        plot_pixel_histogram(x / 255)


def test_ink_ranges_cover_every_ink_value_once():
    covered = [v for low, high in INK_RANGES for v in range(low, high + 1)]
    assert covered == list(range(1, 256))


def test_ink_heatmap_marks_never_inked_pixels():
    images = np.zeros((4, 28, 28), np.uint8)
    images[:, 5:20, 5:20] = 255
    fig = plot_ink_heatmap(images)
    ax = fig.axes[0]
    assert len(ax.collections[-1].get_offsets()) == 28 * 28 - 15 * 15
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["never inked (559 pixels)", "the central 20 × 20 pixels"]
    (box,) = ax.patches
    assert box.get_xy() == (4, 4) and box.get_width() == box.get_height() == 20


def test_lookalikes_show_pairs_and_differences(mnist):
    fig = plot_lookalikes(mnist.x_test, mnist.y_test, [(4, 9), (1, 7)], examples=3)
    assert len(fig.axes) == 2 * 7
    assert fig.axes[6].get_title() == "mean 4 − mean 9"
    with pytest.raises(ValueError, match=r"the look-alike of 3 in the pair \(3, 3\) must be one of 0, 1, 2, 4,"):
        plot_lookalikes(mnist.x_test, mnist.y_test, [(3, 3)])


def test_digit_geometry_counts_every_digit(mnist):
    x = mnist.x_test[:500]
    fig = plot_digit_geometry(centers_of_mass(x), ink_bounding_boxes(x))
    centres_ax, boxes_ax = fig.axes
    assert len(centres_ax.patches) == 2  # one step histogram each for rows and columns
    heights = [p.get_height() for p in boxes_ax.patches]
    assert sum(heights) == 3 * 500  # height, width and longest side of every digit
    with pytest.raises(ValueError, match=r"boxes \(as ink_bounding_boxes returns\) must have shape \(500, 4\)"):
        plot_digit_geometry(centers_of_mass(x), ink_bounding_boxes(x)[:10])


from digitlib.models import build_baseline  # noqa: E402
from digitlib.plots import plot_feature_maps, plot_filters, plot_learning_curves  # noqa: E402


def test_filters_show_every_kernel():
    model = build_baseline()
    fig = plot_filters(model, "conv1")
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 32
    kernels = model.get_layer("conv1").get_weights()[0]
    assert np.allclose(shown[5].images[0].get_array(), kernels[:, :, 0, 5])
    with pytest.raises(ValueError, match=r"the kernel of layer 'dense' \(a 2-D convolution's\) must have 4 axes"):
        plot_filters(model, "dense")
    with pytest.raises(ValueError, match="channel must be between 0 and 0, got 1"):
        plot_filters(model, "conv1", channel=1)


def test_feature_maps_of_one_digit(mnist):
    model = build_baseline()
    image = mnist.x_test[0][..., None] / np.float32(255)
    fig = plot_feature_maps(model, image, "conv1", maps=8)
    maps = [ax for ax in fig.axes if ax.images][1:]
    assert len(maps) == 8 and maps[0].images[0].get_array().shape == (26, 26)
    with pytest.raises(ValueError, match=r"image \(one of the model's inputs\) must have shape \(28, 28, 1\), got"):
        plot_feature_maps(model, image[..., 0], "conv1")


def test_learning_curves_mark_the_best_epoch():
    history = {
        "accuracy": [0.8, 0.9, 0.95],
        "val_accuracy": [0.85, 0.93, 0.92],
        "loss": [1, 0.5, 0.3],
        "val_loss": [0.9, 0.35, 0.3],
    }
    fig = plot_learning_curves(history)
    accuracy_ax, loss_ax = fig.axes
    assert list(accuracy_ax.lines[1].get_ydata()) == history["val_accuracy"]
    assert "best validation accuracy (epoch 2)" in [t.get_text() for t in accuracy_ax.get_legend().get_texts()]
    assert "lowest validation loss (epoch 3)" in [t.get_text() for t in loss_ax.get_legend().get_texts()]
    with pytest.raises(
        ValueError, match=r"fit with validation data .* missing \['accuracy', 'val_accuracy', 'val_loss'\]"
    ):
        plot_learning_curves({"loss": [1.0]})


from digitlib.plots import plot_accuracy_by_condition  # noqa: E402


def test_accuracy_by_condition_draws_one_bar_per_model_and_condition():
    accuracies = {"a": {"clean": 0.99, "shifted": 0.5}, "b": {"clean": 0.98, "shifted": 0.9}}
    fig = plot_accuracy_by_condition(accuracies)
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx([99, 50, 98, 90])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["clean", "shifted"]


@pytest.mark.parametrize(
    "accuracies, message",
    [
        ({}, "accuracies must not be empty"),
        ({"a": {"clean": 0.9}, "b": {"other": 0.9}}, r"accuracies\['b'\] must hold the keys \['clean'\]"),
        ({"a": {"clean": 0.9}, "b": {"clean": 0.9, "other": 0.9}}, r"accuracies\['b'\] must have keys among"),
        ({"a": {"clean": 99.0}}, "must hold values between 0 and 1, got values from 99.0"),
    ],
)
def test_accuracy_by_condition_rejects_bad_input(accuracies, message):
    with pytest.raises(ValueError, match=message):
        plot_accuracy_by_condition(accuracies)


from digitlib.evaluate import calibration  # noqa: E402
from digitlib.plots import plot_confusion_matrix, plot_reliability_diagram, plot_robustness_curves  # noqa: E402


def test_confusion_matrix_heat_map_counts_and_shares():
    matrix = np.diag(np.full(10, 9)) + np.eye(10, k=1, dtype=int)
    fig = plot_confusion_matrix(matrix)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts[0] == "9" and texts[1] == "1" and len(texts) == 100
    normalized = plot_confusion_matrix(matrix, normalize=True)
    assert [t.get_text() for t in normalized.axes[0].texts][:2] == ["90.0", "10.0"]
    with pytest.raises(ValueError, match="10x10"):
        plot_confusion_matrix(np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"examples of each true digit .* must hold values greater than 0"):
        plot_confusion_matrix(np.diag([0] + [9] * 9), normalize=True)


def test_reliability_diagram_shows_filled_bins_and_the_error():
    probabilities = np.full((4, 10), 0.0)
    probabilities[:2, 3], probabilities[2:, 5] = 0.95, 0.55
    result = calibration(probabilities, np.array([3, 2, 5, 5]))
    fig = plot_reliability_diagram(result)
    accuracy_ax = fig.axes[0]
    assert sorted(p.get_height() for p in accuracy_ax.patches) == [0.5, 1.0]
    assert "45.00%" in accuracy_ax.get_title()


def test_robustness_curves_one_line_per_model_and_kind():
    sweeps = {m: {"shift": ([0, 2, 4], [0.99, 0.9, 0.5]), "rotation": ([0, 20], [0.99, 0.8])} for m in ("a", "b")}
    fig = plot_robustness_curves(sweeps)
    assert len(fig.axes) == 2 and all(len(ax.lines) == 2 for ax in fig.axes)
    assert list(fig.axes[0].lines[0].get_ydata()) == pytest.approx([99, 90, 50])
    with pytest.raises(ValueError, match=r"the values of sweeps\['a'\]\['shift'\] and their accuracies .* got 3 and 2"):
        plot_robustness_curves({"a": {"shift": ([0, 1, 2], [1, 1])}})


from digitlib.plots import plot_accuracy_under_attack, plot_adversarial_examples, plot_attributions  # noqa: E402


def test_attributions_one_column_per_digit_one_row_per_method():
    images = np.zeros((3, 28, 28, 1), np.float32)
    images[:, 8:20, 12:16] = 1.0
    maps = {"occlusion": np.random.default_rng(0).normal(size=(3, 28, 28)), "integrated gradients": -images}
    fig = plot_attributions(images, maps, labels=np.array([1, 1, 7]), boxes={"occlusion": np.array([[8, 12]] * 3)})
    assert len(fig.axes) == 3 * 3
    assert [fig.axes[i].get_title() for i in range(3)] == ["1", "1", "7"]
    assert [fig.axes[3 * row].get_ylabel() for row in range(3)] == ["digit", "occlusion", "integrated\ngradients"]
    shown = fig.axes[3 + 1].images[0]  # the occlusion map of the second digit, on a symmetric scale
    assert np.allclose(shown.get_array(), maps["occlusion"][1])
    assert shown.get_clim() == pytest.approx((-np.abs(maps["occlusion"][1]).max(), np.abs(maps["occlusion"][1]).max()))
    (box,) = fig.axes[3].patches
    assert box.get_xy() == (11.5, 7.5) and box.get_width() == 4
    assert not fig.axes[6].patches  # no boxes asked for the second method


@pytest.mark.parametrize(
    "maps, boxes, message",
    [
        ({}, None, "maps must not be empty"),
        ({"a": np.zeros((2, 28, 28))}, None, r"maps\['a'\] must have shape \(3, 28, 28\)"),
        ({"a": np.full((3, 28, 28), np.nan)}, None, "must hold finite numbers"),
        ({"a": np.zeros((3, 28, 28))}, {"b": np.zeros((3, 2))}, r"boxes \(rows of maps\) must have keys among \['a'\]"),
        ({"a": np.zeros((3, 28, 28))}, {"a": np.zeros((3, 3))}, r"boxes\['a'\] must have shape \(3, 2\)"),
    ],
)
def test_attributions_reject_bad_input(maps, boxes, message):
    with pytest.raises(ValueError, match=message):
        plot_attributions(np.zeros((3, 28, 28)), maps, boxes=boxes)


def test_adversarial_examples_show_each_strength_and_mark_wrong_readings():
    images = np.zeros((2, 28, 28), np.float32)
    directions = np.sign(np.random.default_rng(0).normal(size=(2, 28, 28)))
    adversarial = {e: np.clip(images + e * directions, 0, 1) for e in (0.1, 0.2)}
    predictions = {0: np.array([3, 5]), 0.1: np.array([3, 8]), 0.2: np.array([2, 8])}
    fig = plot_adversarial_examples(images, directions, adversarial, labels=np.array([3, 5]), predictions=predictions)
    assert len(fig.axes) == 2 * 4  # original, direction, two strengths
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:4] == [
        "original\nreads 3",
        "direction\n(red: brighter)",
        "ε = 0.1 (26/255)\nreads 3",
        "ε = 0.2 (51/255)\nreads 2 (wrong)",
    ]
    assert titles[6:] == ["reads 8 (wrong)", "reads 8 (wrong)"]
    assert np.allclose(fig.axes[7].images[0].get_array(), adversarial[0.2][1])
    assert np.allclose(fig.axes[5].images[0].get_array(), directions[1])
    with pytest.raises(ValueError, match=r"predictions \(0: the originals, then each epsilon\) .* missing \[0.2\]"):
        plot_adversarial_examples(
            images, directions, adversarial, labels=np.array([3, 5]), predictions={0: [3, 5], 0.1: [3, 8]}
        )
    with pytest.raises(ValueError, match=r"directions must have shape \(2, 28, 28\)"):
        plot_adversarial_examples(images, directions[:1], adversarial, labels=np.array([3, 5]), predictions=predictions)


def test_accuracy_under_attack_plots_percentages_with_grey_levels():
    fig = plot_accuracy_under_attack([0, 0.1, 0.2], [0.99, 0.5, 0.2], count=300)
    ax = fig.axes[0]
    assert list(ax.lines[0].get_ydata()) == pytest.approx([99, 50, 20])
    assert "300 digits" in fig.texts[0].get_text()
    assert any("grey levels" in other.get_xlabel() for other in fig.axes[1:] + ax.child_axes)
    with pytest.raises(ValueError, match="the steps from each epsilon to the next must hold values greater than 0"):
        plot_accuracy_under_attack([0.2, 0.1], [0.5, 0.9], count=2)
    with pytest.raises(ValueError, match="epsilons must hold values at least 0"):
        plot_accuracy_under_attack([-0.1, 0.1], [0.5, 0.9], count=2)
    with pytest.raises(ValueError, match=r"accuracies \(fractions, not %\) must hold values between 0 and 1"):
        plot_accuracy_under_attack([0, 0.1], [99, 50], count=2)
    with pytest.raises(ValueError, match="epsilons and accuracies must have the same length"):
        plot_accuracy_under_attack([0, 0.1], [0.9], count=2)


def test_plot_detector_tradeoff_marks_the_chosen_points():
    from digitlib.detector import tradeoff
    from digitlib.plots import plot_detector_tradeoff

    curve = tradeoff(np.array([2.0, 3, 4, 5]), np.array([0.0, 1, 2.5]))
    figure = plot_detector_tradeoff({"detector": curve, "softmax": curve}, {"detector": (0.75, 2 / 3)})
    (ax,) = figure.axes
    assert len(ax.lines) == 3  # two curves and one chosen point
    assert ax.lines[1].get_xydata().tolist() == [[pytest.approx(200 / 3), 75.0]]
    with pytest.raises(ValueError, match=r"chosen must have keys among \['detector'\], got \['other'\]"):
        plot_detector_tradeoff({"detector": curve}, {"other": (1, 0)})


def test_pen_characters_are_drawn_stroke_by_stroke():
    from digitlib.plots import plot_pen_characters

    seven = [np.array([[0.0, 0.0], [9.0, 0.0], [3.0, 15.0]]), np.array([[2.0, 8.0], [8.0, 8.0]])]
    fig = plot_pen_characters([seven, seven[:1]], ["7", "7, no bar"], columns=2)
    first, second = fig.axes[:2]
    assert len(first.lines) == 4 and len(second.lines) == 2  # a line and a start dot a stroke
    assert first.get_title() == "7" and first.yaxis_inverted()


@pytest.mark.parametrize(
    "characters, titles, message",
    [
        ([], None, "the number of characters .* must be at least 1, got 0"),
        ([[np.zeros((3, 2))]], ["a", "b"], "characters and titles must have the same length, got 1 and 2"),
        ([[np.zeros((3, 3))]], None, "character 0, stroke 0"),
    ],
)
def test_pen_characters_reject_bad_input(characters, titles, message):
    from digitlib.plots import plot_pen_characters

    with pytest.raises(ValueError, match=message):
        plot_pen_characters(characters, titles)


def test_writer_accuracy_ranks_writers_from_the_worst():
    from digitlib.plots import plot_writer_accuracy

    fig = plot_writer_accuracy(
        {"first": np.array([1.0, 0.5, 0.9]), "second": np.array([1.0, 0.9, 1.0])},
        served=np.array([True, False, True]),
    )
    ax = fig.axes[0]
    first, second, missed = ax.lines
    assert first.get_ydata().tolist() == [50.0, 90.0, 100.0]
    assert second.get_ydata().tolist() == [90.0, 100.0, 100.0]  # in the first's order
    assert missed.get_xdata().tolist() == [1] and missed.get_ydata().tolist() == [50.0]
    fig = plot_writer_accuracy(
        {"first": np.array([1.0, 0.5, 0.9]), "second": np.array([1.0, 0.9, 1.0])},
        served=np.array([True, False, True]),
        served_of="second",
    )
    assert fig.axes[0].lines[2].get_ydata().tolist() == [90.0]  # on the second's curve
    with pytest.raises(ValueError, match="served_of must be one of"):
        plot_writer_accuracy({"a": np.ones(2)}, served=np.ones(2, bool), served_of="b")


def test_writer_accuracy_rejects_mismatched_writers():
    from digitlib.plots import plot_writer_accuracy

    with pytest.raises(
        ValueError, match=r"accuracies\['a'\] and accuracies\['b'\] must have the same length, got 3 and 2"
    ):
        plot_writer_accuracy({"a": np.ones(3), "b": np.ones(2)})
    with pytest.raises(ValueError, match=r"accuracies\['a'\] \(fractions, not %\) must hold values between 0 and 1"):
        plot_writer_accuracy({"a": np.array([50.0])})
