"""The course's figures: one function per figure, each returning its matplotlib ``Figure``.

Figures are closed in pyplot before they are returned, so a notebook shows each one once
(as the cell's result) and tests can inspect them without leaking windows.  Colours come
from seaborn's colour-blind-safe palette.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.figure import Figure

PALETTE = sns.color_palette("colorblind")


def _check_images(images: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(
            f"images must have shape (N, H, W) or (N, H, W, 1) with N >= 1, got shape {images.shape}"
        )
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"expected one label per image: {len(images)} images but {len(labels)} labels")
    return images


def _check_labels(labels: np.ndarray, name: str) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"{name} must be a 1-D array of integer class labels, got {labels.dtype} {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"{name} must hold digits 0-9, got values from {labels.min()} to {labels.max()}")
    return labels


def plot_digit_grid(
    images: np.ndarray, labels: np.ndarray | None = None, *, columns: int = 10, title: str | None = None
) -> Figure:
    """Show digits in a grid, white ink on black as the model sees them, each titled by its label."""
    images = _check_images(images, labels)
    if columns < 1:
        raise ValueError(f"columns must be a positive integer, got {columns}")
    columns = min(columns, len(images))
    rows = -(-len(images) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.1 * columns, 1.25 * rows + 0.4), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if index < len(images):
            ax.imshow(images[index], cmap="gray", vmin=0, vmax=images.max() or 1)
            if labels is not None:
                ax.set_title(str(labels[index]), fontsize=11)
    fig.suptitle(title or f"{len(images)} MNIST digits" + (" with their labels" if labels is not None else ""))
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_class_balance(y_train: np.ndarray, y_test: np.ndarray) -> Figure:
    """Bar chart of how many digits of each class the training and test sets hold (as a share)."""
    y_train, y_test = _check_labels(y_train, "y_train"), _check_labels(y_test, "y_test")
    if y_train.size == 0 or y_test.size == 0:
        raise ValueError("y_train and y_test must not be empty")
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
    fig.tight_layout()
    plt.close(fig)
    return fig
