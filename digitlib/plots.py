"""The course's figures: one function per figure, each returning its matplotlib ``Figure``
(:class:`digitlib.interactive.InteractiveFigure` redraws one as sliders move).

Figures are closed in pyplot before they are returned, so a notebook shows each one once
(as the cell's result) and tests can inspect them without leaking windows.  Colours come
from seaborn's colour-blind-safe palette.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from digitlib.validation import (
    check_array,
    check_choice,
    check_digit,
    check_images,
    check_images_by_name,
    check_labels,
    check_mapping,
    check_pixels,
    check_same_length,
    check_scalar,
)

PALETTE = sns.color_palette("colorblind")


def _finish(fig: Figure) -> Figure:
    """``fig`` laid out and closed in pyplot, so that a notebook shows it once, as the cell's result."""
    fig.tight_layout()
    plt.close(fig)
    return fig


#: The longest line of a digit's title in :func:`plot_digit_grid`; longer titles wrap.
GRID_TITLE_CHARS = 24


def plot_digit_grid(
    images: np.ndarray, labels: np.ndarray | None = None, *, columns: int = 10, title: str | None = None
) -> Figure:
    """Show digits in a grid, white ink on black as the model sees them, each titled by its label."""
    images = check_images(images)
    if labels is not None:
        check_same_length(images=images, labels=labels)
    check_scalar(columns, name="columns", kind="integer", low=1)
    columns = min(columns, len(images))
    rows = -(-len(images) // columns)
    titles = [] if labels is None else [textwrap.fill(str(label), GRID_TITLE_CHARS) for label in labels]
    longest = max((len(line) for title in titles for line in title.splitlines()), default=0)
    title_lines = max((title.count("\n") + 1 for title in titles), default=1)
    # A panel is wide enough for its title (about 0.085 inch a character at 11 points), and a
    # grid of a few digits is drawn large enough to see their pixels.
    width = max(1.1 if columns > 4 else 1.8, 0.085 * longest + 0.25)
    height = width + 0.2 * title_lines - 0.05
    fig, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows + 0.4), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if index < len(images):
            ax.imshow(images[index], cmap="gray", vmin=0, vmax=images.max() or 1)
            if titles:
                ax.set_title(titles[index], fontsize=11)
    fig.suptitle(title or f"{len(images)} MNIST digits" + (" with their labels" if labels is not None else ""))
    return _finish(fig)


def plot_class_balance(y_train: np.ndarray, y_test: np.ndarray) -> Figure:
    """Bar chart of how many digits of each class the training and test sets hold (as a share)."""
    y_train, y_test = check_labels(y_train, name="y_train"), check_labels(y_test, name="y_test")
    digits = np.arange(10)
    shares = [np.bincount(y, minlength=10) / len(y) * 100 for y in (y_train, y_test)]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    width = 0.4
    for offset, share, name, n, color in zip(
        (-width / 2, width / 2), shares, ("training", "test"), (len(y_train), len(y_test)), PALETTE
    ):
        ax.bar(digits + offset, share, width, label=f"{name} ({n:,} digits)", color=color)
    ax.axhline(10, color="0.3", linestyle="--", linewidth=1, label="perfect balance (10 %)")
    ax.set_xticks(digits)
    ax.set_xlabel("digit")
    ax.set_ylabel("share of the split (%)")
    ax.set_title("Class balance of MNIST")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, fontsize=9, frameon=False)
    return _finish(fig)


def plot_class_means(images: np.ndarray, labels: np.ndarray) -> Figure:
    """The average image of each digit: where its writers put ink, on average."""
    images, labels = check_images(images), check_labels(labels, every_digit=True)
    check_same_length(images=images, labels=labels)
    fig, axes = plt.subplots(1, 10, figsize=(12, 1.9))
    for digit, ax in enumerate(axes):
        ax.imshow(images[labels == digit].mean(axis=0), cmap="magma")
        ax.set_title(f"{digit} (n={np.sum(labels == digit):,})", fontsize=9)
        ax.set_axis_off()
    fig.suptitle("Mean image of each digit")
    return _finish(fig)


#: The value ranges :func:`plot_pixel_histogram` groups ink pixels into (uint8, both ends
#: included): five ranges of grey, then the cores of strokes at 250 or more.
INK_RANGES = ((1, 49), (50, 99), (100, 149), (150, 199), (200, 249), (250, 255))


def plot_pixel_histogram(images: np.ndarray) -> Figure:
    """Left, the distribution of all pixel values (log scale); right, the share of the ink
    pixels (value > 0) in each of :data:`INK_RANGES`, so that the many grey values show their
    weight against the cores of strokes (250 to 255, a narrow range that holds a tall spike)."""
    images = check_pixels(check_images(images))
    values = images.ravel()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
    axes[0].hist(values, bins=64, range=(0, 255), color=PALETTE[0])
    axes[0].set_yscale("log")
    axes[0].set_title("All pixels (log scale)")
    axes[0].set_xlabel("pixel value")
    axes[0].set_ylabel("number of pixels")
    ink = values[values > 0]
    shares = np.array([np.mean((ink >= low) & (ink <= high)) for low, high in INK_RANGES]) * 100
    colors = [PALETTE[1]] * (len(INK_RANGES) - 1) + [PALETTE[0]]
    bars = axes[1].bar(range(len(INK_RANGES)), shares, color=colors)
    axes[1].bar_label(bars, labels=[f"{share:.0f} %" for share in shares], fontsize=9)
    axes[1].set_xticks(range(len(INK_RANGES)), [f"{low}–{high}" for low, high in INK_RANGES])
    axes[1].set_ylim(0, shares.max() * 1.2)
    axes[1].set_xlabel("pixel value")
    axes[1].set_ylabel("share of the ink pixels (%)")
    axes[1].set_title("Ink pixels only (value > 0), by range")
    grey, core = shares[:-1].sum(), shares[-1]
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=PALETTE[1], label=f"grey edges (1–249): {grey:.0f} % in all"),
        plt.Rectangle((0, 0), 1, 1, color=PALETTE[0], label=f"stroke cores (250–255): {core:.0f} %"),
    ]
    axes[1].legend(handles=handles, loc="upper left", fontsize=9)
    fig.suptitle("How bright are MNIST's pixels?")
    return _finish(fig)


def plot_ink_heatmap(images: np.ndarray) -> Figure:
    """Heat map of the share of images with ink at each pixel; pixels never used are marked
    with a cross, and a dashed square outlines the central 20 x 20 pixels."""
    images = check_images(images)
    share = (images > 0).mean(axis=0) * 100
    fig, ax = plt.subplots(figsize=(5.4, 4.6))
    sns.heatmap(share, ax=ax, cmap="viridis", square=True, cbar_kws={"label": "images with ink here (%)"},
                xticklabels=4, yticklabels=4)  # fmt: skip
    never = np.argwhere(share == 0)
    ax.scatter(never[:, 1] + 0.5, never[:, 0] + 0.5, marker="x", s=12, color="white", linewidths=0.8,
               label=f"never inked ({len(never)} pixels)")  # fmt: skip
    margin = (images.shape[-1] - 20) / 2
    ax.add_patch(plt.Rectangle((margin, margin), 20, 20, fill=False, color="white", linestyle="--",
                               linewidth=1, label="the central 20 × 20 pixels"))  # fmt: skip
    # a dark legend, so that its white markers show as they do on the map
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=9, ncol=2, facecolor="0.2",
              edgecolor="0.2", framealpha=1, labelcolor="white")  # fmt: skip
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    ax.set_title(f"Where the ink falls, over {len(images):,} digits")
    return _finish(fig)


def plot_lookalikes(
    images: np.ndarray, labels: np.ndarray, pairs: list[tuple[int, int]], *, examples: int = 4
) -> Figure:
    """For each pair of look-alike digits: examples of both, and where their mean images differ."""
    images, labels = check_images(images), check_labels(labels, every_digit=True)
    check_same_length(images=images, labels=labels)
    for a, b in pairs:
        check_digit(a, name=f"the first digit of the pair {(a, b)}")
        check_choice(b, name=f"the look-alike of {a} in the pair {(a, b)}", choices=[d for d in range(10) if d != a])
    columns = 2 * examples + 1
    fig, axes = plt.subplots(len(pairs), columns, figsize=(1.15 * columns, 1.4 * len(pairs) + 0.5), squeeze=False)
    for row, (a, b) in enumerate(pairs):
        shown = [*images[labels == a][:examples], *images[labels == b][:examples]]
        names = [str(a)] * examples + [str(b)] * examples
        for ax, image, name in zip(axes[row], shown, names):
            ax.imshow(image, cmap="gray")
            ax.set_title(name, fontsize=10)
        difference = images[labels == a].mean(axis=0) - images[labels == b].mean(axis=0)
        limit = np.abs(difference).max()
        axes[row, -1].imshow(difference, cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[row, -1].set_title(f"mean {a} − mean {b}", fontsize=9)
        for ax in axes[row]:
            ax.set_axis_off()
    fig.suptitle("Look-alike digits (red: more ink in the first, blue: in the second)")
    return _finish(fig)


def plot_digit_geometry(centers: np.ndarray, boxes: np.ndarray) -> Figure:
    """Where the centres of mass lie, and how big the digits' bounding boxes are."""
    centers = check_array(centers, name="centers (as centers_of_mass returns)", shape=(None, 2))
    boxes = check_array(boxes, name="boxes (as ink_bounding_boxes returns)", shape=(len(centers), 4))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    bins = np.linspace(np.floor(centers.min()) - 0.5, np.ceil(centers.max()) + 0.5, 49)
    for values, name, color in [(centers[:, 0], "row", PALETTE[0]), (centers[:, 1], "column", PALETTE[1])]:
        axes[0].hist(values, bins=bins, histtype="step", linewidth=2, label=name, color=color)
    axes[0].axvline(13.5, color="0.3", linestyle="--", linewidth=1, label="middle of the image (13.5)")
    axes[0].set_xlabel("position of the centre of mass (pixel index)")
    axes[0].set_ylabel("number of digits")
    axes[0].set_title(f"Centres of mass of {len(centers):,} digits")
    axes[0].set_ylim(0, axes[0].get_ylim()[1] * 1.45)  # room for the legend above the bars
    axes[0].legend(fontsize=9, loc="upper right")
    longest = boxes[:, 2:].max(axis=1)
    sides = np.arange(boxes[:, 2:].min() - 1, longest.max() + 2)
    for offset, (values, name, color) in enumerate(
        [(boxes[:, 2], "height", PALETTE[0]), (boxes[:, 3], "width", PALETTE[1]), (longest, "longest side", PALETTE[2])]
    ):
        counts = np.array([np.sum(values == s) for s in sides])
        axes[1].bar(sides + (offset - 1) * 0.28, counts, 0.28, label=name, color=color)
    axes[1].set_yscale("log")
    axes[1].set_xlabel("size of the bounding box (pixels)")
    axes[1].set_ylabel("number of digits")
    axes[1].set_xticks(sides[::2])
    axes[1].set_title("Bounding boxes of the ink")
    axes[1].legend(fontsize=9)
    return _finish(fig)


def plot_filters(model, layer: str, *, channel: int = 0) -> Figure:
    """The learned 3x3 kernels of a convolution layer (input ``channel`` of each filter)."""
    kernels = model.get_layer(layer).get_weights()[0]  # (height, width, in_channels, filters)
    kernels = check_array(kernels, name=f"the kernel of layer {layer!r} (a 2-D convolution's)", ndim=4)
    check_scalar(channel, name="channel", kind="integer", low=0, high=kernels.shape[2] - 1)
    filters = kernels[:, :, channel, :]
    count = filters.shape[-1]
    columns = min(16, count)
    rows = -(-count // columns)
    limit = np.abs(filters).max()
    fig, axes = plt.subplots(rows, columns, figsize=(0.75 * columns, 0.8 * rows + 0.6), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if index < count:
            ax.imshow(filters[:, :, index], cmap="RdBu_r", vmin=-limit, vmax=limit)
    fig.suptitle(f"The {count} learned filters of {layer} (red: positive weight, blue: negative)")
    return _finish(fig)


def plot_feature_maps(model, image: np.ndarray, layer: str, *, maps: int = 16) -> Figure:
    """What the first ``maps`` filters of ``layer`` output for one input ``image`` of shape (28, 28, 1)."""
    import keras

    image = check_array(image, name="image (one of the model's inputs)", shape=tuple(model.input_shape[1:]))
    image = image.astype(np.float32)
    probe = keras.Model(model.inputs[0], model.get_layer(layer).output)
    activations = np.asarray(probe(image[np.newaxis], training=False))[0]
    activations = check_array(activations, name=f"the output of layer {layer!r} (feature maps)", ndim=3)
    maps = min(maps, activations.shape[-1])
    columns = min(8, maps)
    rows = -(-maps // columns)
    fig, axes = plt.subplots(rows, columns + 1, figsize=(1.3 * (columns + 1), 1.4 * rows + 0.5), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    axes[0, 0].imshow(image[:, :, 0], cmap="gray")
    axes[0, 0].set_title("input", fontsize=9)
    for index in range(maps):
        ax = axes[index // columns, 1 + index % columns]
        ax.imshow(activations[:, :, index], cmap="magma")
        ax.set_title(f"filter {index}", fontsize=8)
    height, width, channels = activations.shape
    fig.suptitle(f"Feature maps of {layer}: {maps} of {channels}, each {height}x{width}")
    return _finish(fig)


def plot_learning_curves(history) -> Figure:
    """Accuracy and loss per epoch, training versus validation, with the best validation epoch marked.

    ``history``: what ``model.fit`` returns, or its ``.history`` dictionary.
    """
    curves = getattr(history, "history", history)
    needed = ["accuracy", "loss", "val_accuracy", "val_loss"]
    check_mapping(curves, name="history (fit with validation data and the accuracy metric)", required=needed)
    epochs = np.arange(1, len(curves["loss"]) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, metric, pick, word in zip(axes, ("accuracy", "loss"), (np.argmax, np.argmin), ("best", "lowest")):
        best = int(pick(curves[f"val_{metric}"])) + 1
        ax.plot(epochs, curves[metric], marker="o", color=PALETTE[0], label="training")
        ax.plot(epochs, curves[f"val_{metric}"], marker="o", color=PALETTE[1], label="validation")
        ax.axvline(best, color="0.4", linestyle=":", label=f"{word} validation {metric} (epoch {best})")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"{metric.capitalize()} per epoch")
        # below the axes, clear of the curves and of the best epoch's line
        ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2, frameon=False)
    return _finish(fig)


def plot_accuracy_by_condition(accuracies: dict[str, dict[str, float]], *, title: str | None = None) -> Figure:
    """Grouped bars: ``accuracies[model][condition]`` in %, one group per condition, one bar per model."""
    check_mapping(accuracies, name="accuracies")
    conditions = list(check_mapping(next(iter(accuracies.values())), name="the first model's accuracies"))
    for name, values in accuracies.items():
        check_mapping(values, name=f"accuracies[{name!r}]", required=conditions, allowed=conditions)
        check_array(list(values.values()), name=f"accuracies[{name!r}] (fractions, not %)", low=0, high=1)
    width = 0.8 / len(accuracies)
    positions = np.arange(len(conditions))
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(conditions)), 3.8))
    for index, ((name, values), color) in enumerate(zip(accuracies.items(), PALETTE)):
        heights = [values[c] * 100 for c in conditions]
        bars = ax.bar(positions + (index - (len(accuracies) - 1) / 2) * width, heights, width, label=name, color=color)
        ax.bar_label(bars, fmt="%.1f", fontsize=7, padding=1)
    ax.set_xticks(positions, conditions)
    ax.set_ylim(0, 105)
    ax.set_ylabel("test accuracy (%)")
    ax.set_title(title or "Accuracy by condition")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(accuracies), frameon=False, fontsize=9)
    return _finish(fig)


def plot_confusion_matrix(matrix: np.ndarray, *, normalize: bool = False) -> Figure:
    """Heat map of a 10x10 confusion matrix: counts, or each row as a share of its true digit (%)."""
    matrix = check_array(matrix, name="matrix (a 10x10 confusion matrix)", shape=(10, 10))
    rows = matrix.sum(axis=1, keepdims=True)
    if normalize:
        check_array(rows, name="the examples of each true digit (matrix's row sums)", low=0, closed="neither")
    values = matrix / rows * 100 if normalize else matrix
    fig, ax = plt.subplots(figsize=(6.4, 5.4))
    sns.heatmap(values, ax=ax, annot=True, fmt=".1f" if normalize else "d", cmap="viridis", square=True,
                annot_kws={"fontsize": 7}, robust=True,
                cbar_kws={"label": "% of the true digit" if normalize else "number of digits"})  # fmt: skip
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title("Confusion matrix" + (" (each row sums to 100 %)" if normalize else f" ({matrix.sum():,} digits)"))
    return _finish(fig)


def plot_reliability_diagram(calibration) -> Figure:
    """Accuracy against confidence per bin (a :class:`digitlib.evaluate.Calibration`), with the counts."""
    edges, counts = calibration.bin_edges, calibration.counts
    centres = (edges[:-1] + edges[1:]) / 2
    width = edges[1] - edges[0]
    filled = counts > 0
    fig, (ax, ax_counts) = plt.subplots(2, 1, figsize=(5.5, 6), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    ax.bar(centres[filled], calibration.accuracy[filled], width * 0.9, color=PALETTE[0], label="accuracy in the bin")
    ax.plot([0, 1], [0, 1], color="0.3", linestyle="--", label="perfect calibration")
    ax.plot(calibration.confidence[filled], calibration.accuracy[filled], "o", color=PALETTE[1],
            label="mean confidence in the bin")  # fmt: skip
    ax.set_ylabel("accuracy")
    ax.set_title(f"Reliability diagram (expected calibration error {calibration.expected_calibration_error:.2%})")
    ax.legend(fontsize=9, loc="upper left")
    ax_counts.bar(centres, counts, width * 0.9, color=PALETTE[2])
    ax_counts.set_yscale("log")
    ax_counts.set_xlabel("confidence (probability of the predicted digit)")
    ax_counts.set_ylabel("digits")
    ax_counts.set_xlim(0, 1)
    return _finish(fig)


def plot_robustness_curves(sweeps: dict[str, dict[str, tuple]]) -> Figure:
    """One panel per distortion: accuracy (%) against its strength, one curve per model.

    ``sweeps[model][kind] = (values, accuracies)``, as :func:`digitlib.evaluate.robustness_sweep` gives.
    """
    check_mapping(sweeps, name="sweeps")
    kinds = list(check_mapping(next(iter(sweeps.values())), name="the first model's sweeps"))
    for name, per_kind in sweeps.items():
        check_mapping(per_kind, name=f"sweeps[{name!r}]", required=kinds, allowed=kinds)
        for kind, (values, accuracies) in per_kind.items():
            check_same_length(**{f"the values of sweeps[{name!r}][{kind!r}]": values, "their accuracies": accuracies})
    fig, axes = plt.subplots(1, len(kinds), figsize=(3.6 * len(kinds), 3.4), squeeze=False, sharey=True)
    for ax, kind in zip(axes[0], kinds):
        for (name, per_kind), color in zip(sweeps.items(), PALETTE):
            values, accuracies = per_kind[kind]
            ax.plot(values, np.asarray(accuracies) * 100, marker="o", color=color, label=name)
        ax.set_xlabel(kind)
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("test accuracy (%)")
    axes[0, 0].legend(fontsize=9)
    fig.suptitle("Accuracy as the test digits are distorted")
    return _finish(fig)


def plot_attributions(
    images: np.ndarray,
    maps: dict[str, np.ndarray],
    *,
    labels: np.ndarray | None = None,
    boxes: dict[str, np.ndarray] | None = None,
    box_size: int = 4,
    title: str | None = None,
) -> Figure:
    """Attribution maps side by side: one column per digit, the digit on top, then one row per method.

    ``maps[name]`` holds one map per image (same height and width): red where a pixel counts
    for the class, blue against, each map on its own symmetric scale (so maps of different
    units can sit side by side), with the digit's outline drawn over it.  ``boxes[name]``
    (optional, (N, 2)): the top-left pixel (row, column) of a ``box_size`` square to outline on
    each of that row's maps, such as the region a method finds most important.
    """
    images = check_images(images)
    if labels is not None:
        check_same_length(images=images, labels=labels)
    maps = check_images_by_name(maps, name="maps", shape=images.shape)
    check_scalar(box_size, name="box_size", kind="integer", low=1)
    boxes = check_mapping(boxes or {}, name="boxes (rows of maps)", allowed=list(maps), non_empty=False)
    for row, corners in boxes.items():
        check_array(corners, name=f"boxes[{row!r}]", shape=(len(images), 2))
    count = len(images)
    fig, axes = plt.subplots(
        1 + len(maps), count, figsize=(1.25 * count + 0.9, 1.3 * (1 + len(maps)) + 0.5), squeeze=False
    )
    for column, image in enumerate(images):
        top = axes[0, column]
        top.imshow(image, cmap="gray", vmin=0, vmax=image.max() or 1)
        if labels is not None:
            top.set_title(str(labels[column]), fontsize=10)
        for row, (name, values) in enumerate(maps.items(), start=1):
            ax = axes[row, column]
            limit = float(np.abs(values[column]).max()) or 1.0
            ax.imshow(values[column], cmap="RdBu_r", vmin=-limit, vmax=limit)
            if image.max() > 0:
                ax.contour(image, levels=[0.5 * image.max()], colors="0.35", linewidths=0.6)
            if name in boxes:
                r, c = np.asarray(boxes[name][column], dtype=float)
                ax.add_patch(
                    plt.Rectangle((c - 0.5, r - 0.5), box_size, box_size, fill=False, edgecolor="black", linewidth=1.5)
                )
    for row, name in enumerate(["digit", *maps]):
        axes[row, 0].set_ylabel(textwrap.fill(str(name), 14), fontsize=9)  # long names on two lines
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
    fig.suptitle(title or "What each prediction depends on (red: for the digit, blue: against)")
    return _finish(fig)


def plot_adversarial_examples(
    images: np.ndarray,
    directions: np.ndarray,
    adversarial: dict[float, np.ndarray],
    *,
    labels: np.ndarray,
    predictions: dict[float, np.ndarray],
    title: str | None = None,
) -> Figure:
    """Digits under attack: one row per digit, with the digit, the direction it is pushed in, and
    the perturbed digit at each strength, each titled with what the model reads in it.

    ``directions``: the change per pixel for a strength of 1 (the sign of the loss gradient for the
    fast gradient sign method), shown red for brighter and blue for darker.
    ``adversarial[epsilon]``: the perturbed images at that strength; ``predictions`` maps ``0`` (the
    unperturbed digits) and every ``epsilon`` to the digits the model reads.  Wrong readings are
    marked "wrong" and drawn in a second colour.
    """
    images, labels = check_images(images), check_labels(labels)
    check_same_length(images=images, labels=labels)
    directions = check_images(directions, name="directions", shape=images.shape, finite=True)
    adversarial = check_images_by_name(adversarial, name="adversarial", shape=images.shape)
    check_mapping(predictions, name="predictions (0: the originals, then each epsilon)", required=[0, *adversarial])
    for epsilon in [0, *adversarial]:
        check_labels(predictions[epsilon], name=f"predictions[{epsilon}]")
        check_same_length(images=images, **{f"predictions[{epsilon}]": predictions[epsilon]})
    columns = [("original", 0, images)] + [
        (f"ε = {epsilon:g} ({epsilon * 255:.0f}/255)", epsilon, shown) for epsilon, shown in adversarial.items()
    ]
    count = len(images)
    fig, axes = plt.subplots(
        count, 1 + len(columns), figsize=(1.55 * (1 + len(columns)) + 0.6, 1.55 * count + 0.6), squeeze=False
    )
    for row in range(count):
        for position, (header, epsilon, shown) in enumerate(columns):
            ax = axes[row, 0 if position == 0 else position + 1]
            ax.imshow(shown[row], cmap="gray", vmin=0, vmax=1)
            read = int(predictions[epsilon][row])
            wrong = read != labels[row]
            text = f"reads {read}" + (" (wrong)" if wrong else "")
            if row == 0:
                text = f"{header}\n{text}"
            ax.set_title(text, fontsize=8, color=PALETTE[3] if wrong else "black", fontweight="bold" if wrong else None)
        ax = axes[row, 1]
        ax.imshow(directions[row], cmap="RdBu_r", vmin=-1, vmax=1)
        if row == 0:
            ax.set_title("direction\n(red: brighter)", fontsize=8)
        axes[row, 0].set_ylabel(f"label {labels[row]}", fontsize=9)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title or "Adversarial digits: each pixel moved by ε in the direction that raises the loss")
    return _finish(fig)


def plot_accuracy_under_attack(epsilons, accuracies, *, count: int, title: str | None = None) -> Figure:
    """Accuracy (%) against the strength ε of an attack on ``count`` digits, with ε also in grey
    levels of 255 on the top axis and chance (10 %) marked."""
    epsilons = check_array(epsilons, name="epsilons", ndim=1, finite=True, low=0).astype(float)
    accuracies = check_array(accuracies, name="accuracies (fractions, not %)", ndim=1, finite=True, low=0, high=1)
    accuracies = accuracies.astype(float)
    check_same_length(epsilons=epsilons, accuracies=accuracies)
    steps = np.diff(epsilons)
    check_array(steps, name="the steps from each epsilon to the next", low=0, closed="neither", non_empty=False)
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    ax.plot(epsilons, accuracies * 100, marker="o", color=PALETTE[0], label="accuracy under attack")
    ax.axhline(10, color="0.3", linestyle="--", linewidth=1, label="chance (10 %)")
    ax.set_xlabel("ε (change of each pixel, on the 0-1 scale)")
    ax.set_ylabel("accuracy (%)")
    ax.set_ylim(0, 102)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="upper right")
    top = ax.secondary_xaxis("top", functions=(lambda e: e * 255, lambda g: g / 255))
    top.set_xlabel("the same change in grey levels (of 255)")
    fig.suptitle(title or f"Accuracy on {count:,} digits as the attack grows")
    return _finish(fig)


def plot_detector_tradeoff(curves: dict, chosen: dict) -> Figure:
    """Digits kept against non-digits refused, one curve per way of scoring drawings.

    ``curves``: ``{name: (thresholds, kept, rejected)}`` as :func:`digitlib.detector.tradeoff`
    returns them; ``chosen``: ``{name: (kept, rejected)}``, the point each threshold chose,
    marked on its curve.
    """
    check_mapping(curves, name="curves")
    check_mapping(chosen, name="chosen", allowed=list(curves), non_empty=False)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for index, ((name, (_, kept, rejected)), colour) in enumerate(zip(curves.items(), PALETTE)):
        kept = check_array(kept, name=f"kept of {name!r}", ndim=1, finite=True)
        rejected = check_array(rejected, name=f"rejected of {name!r}", shape=kept.shape, finite=True)
        ax.plot(rejected * 100, kept * 100, color=colour, label=name)
        if name in chosen:
            point_kept, point_rejected = chosen[name]
            ax.plot(point_rejected * 100, point_kept * 100, "o", color=colour, markersize=8)
            right = point_rejected > 0.5  # the label goes where there is room, one row a curve
            # on the right, left of the point and below it; on the left, where a curve falls away
            # to the right, in two lines well below the point, clear of the curve; on a white box
            # so that no line runs through its text
            sep = " " if right else "\n"
            ax.annotate(f"chosen: {point_kept:.1%} kept,{sep}{point_rejected:.1%} refused",
                        (point_rejected * 100, point_kept * 100), textcoords="offset points",
                        xytext=(-8, -16 * (index + 1)) if right else (6, -28 * (index + 1)),
                        ha="right" if right else "left", va="baseline" if right else "top",
                        fontsize=9, color=colour,
                        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none",
                              "alpha": 0.85})  # fmt: skip
    ax.set_xlabel("non-digits refused (%)")
    ax.set_ylabel("digits kept (%)")
    ax.set_xlim(0, 101)
    ax.set_ylim(80, 100.5)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=9)
    fig.suptitle("Validation data: digits kept against non-digits refused")
    return _finish(fig)


def plot_pen_characters(characters, titles=None, *, columns: int = 10, title: str | None = None) -> Figure:
    """Pen-written characters as the pen drew them: each a list of (n, 2) arrays of (x, y)
    points (y down), every stroke in its own shade, its start dotted; ``titles`` one each."""
    characters = list(characters)
    check_scalar(
        len(characters), name="the number of characters (lists of (n, 2) stroke arrays)", kind="integer", low=1
    )
    if titles is not None:
        check_same_length(characters=characters, titles=titles)
    check_scalar(columns, name="columns", kind="integer", low=1)
    columns = min(columns, len(characters))
    rows = -(-len(characters) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.25 * columns, 1.45 * rows + 0.5), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if index >= len(characters):
            continue
        for number, stroke in enumerate(characters[index]):
            stroke = check_array(stroke, name=f"character {index}, stroke {number}", shape=(None, 2), finite=True)
            color = PALETTE[number % len(PALETTE)]
            ax.plot(stroke[:, 0], stroke[:, 1], color=color, linewidth=2, solid_capstyle="round")
            ax.plot(*stroke[0], "o", color=color, markersize=3)
        ax.set_aspect("equal")
        ax.invert_yaxis()
        ax.margins(0.12)
        if titles is not None:
            ax.set_title(textwrap.fill(str(titles[index]), GRID_TITLE_CHARS), fontsize=10)
    fig.suptitle(title or f"{len(characters)} characters as the pen drew them (a dot: where a stroke starts)")
    return _finish(fig)


def plot_writer_accuracy(accuracies: dict[str, np.ndarray], *, served: np.ndarray | None = None,
                         served_of: str | None = None, title: str | None = None) -> Figure:  # fmt: skip
    """Each writer's accuracy (%), writers ranked from the worst: ``accuracies[name]`` one
    value a writer, the same writers in the same order for every name (ranked by the first);
    ``served`` (bool, one a writer) marks the writers not served with a cross, on the curve of
    ``served_of`` (default: the first name)."""
    check_mapping(accuracies, name="accuracies")
    values = {
        name: check_array(v, name=f"accuracies[{name!r}] (fractions, not %)", ndim=1, finite=True, low=0, high=1)
        for name, v in accuracies.items()
    }
    check_same_length(**{f"accuracies[{name!r}]": v for name, v in values.items()})
    first = next(iter(values.values()))
    order = np.argsort(first, kind="stable")
    ranks = np.arange(1, len(first) + 1)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    for (name, v), color, marker in zip(values.items(), PALETTE, "os^D"):
        ax.plot(ranks, v[order] * 100, marker=marker, linestyle="-", color=color, label=name, markersize=5)
    if served is not None:
        served = check_array(served, name="served", shape=first.shape, dtype=bool)
        served_of = next(iter(values)) if served_of is None else served_of
        check_choice(served_of, name="served_of", choices=values)
        missed = ~served[order]
        ax.plot(ranks[missed], values[served_of][order][missed] * 100, "x", color="black", markersize=10,
                label=f"not served ({served_of})")  # fmt: skip
    ax.set_xlabel("writers, ranked from the worst")
    ax.set_ylabel("digits read right (%)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.set_title(title or f"Accuracy writer by writer ({len(first)} writers)")
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, frameon=False)
    return _finish(fig)
