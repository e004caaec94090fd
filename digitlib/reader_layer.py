"""A last layer of the reader's own, trained on the network's features of a few of their drawings.

The page's pad trains it in the browser (``digitlib/web/digit-pad.js`` mirrors
:func:`train_reader_layer` step by step): softmax regression on the 128 averages the shipped
network's dense layer reads (:func:`digitlib.export.inference_model`'s third output), with
plain gradient descent on the whole batch, as "From pixels to probabilities" teaches it,
started from the shipped layer and pulled back towards it, so that two drawings of each digit
already help and little of MNIST is forgotten.
"""

from __future__ import annotations

import numpy as np

from digitlib.models import NUM_CLASSES
from digitlib.validation import check_array, check_labels, check_same_length, check_scalar

STEPS = 100
LEARNING_RATE = 0.03
# How hard the weights are pulled back to the shipped ones: the loss is the mean cross-entropy
# plus PULL / 2 times the squared distance to them.  Chosen on the validation writer of
# "Make it yours" (3 drawings a digit, 3 draws): 0.1 forgot up to 9 points of 2,000 MNIST
# validation digits, 1.0 up to 0.35, 3.0 at most 0.05, with the same gain on the writer.
PULL = 3.0


def train_reader_layer(
    features,
    labels,
    kernel,
    bias,
    *,
    steps: int = STEPS,
    learning_rate: float = LEARNING_RATE,
    pull: float = PULL,
) -> tuple[np.ndarray, np.ndarray]:
    """The layer (kernel, bias) after ``steps`` of gradient descent on
    ``features`` (N, F) and ``labels`` (N,), from the shipped ``kernel``
    (F, 10) and ``bias`` (10,), in float64.

    Each step, on all the drawings at once (the gradient of softmax and
    cross-entropy from "From pixels to probabilities"):
    ``p = softmax(features @ W + b)``;
    ``p[i, label_i] -= 1``; ``p /= N``; then
    ``W -= learning_rate * (features.T @ p + pull * (W - kernel))`` and the
    same for ``b`` with ``p.sum(axis=0)``."""
    features = check_array(
        features,
        name="features",
        ndim=2,
        finite=True,
    ).astype(np.float64)
    labels = check_labels(labels)
    check_same_length(features=features, labels=labels)
    shipped_kernel = check_array(
        kernel,
        name="kernel",
        shape=(features.shape[1], NUM_CLASSES),
        finite=True,
    ).astype(np.float64)
    shipped_bias = check_array(
        bias,
        name="bias",
        shape=(NUM_CLASSES,),
        finite=True,
    ).astype(np.float64)
    steps = check_scalar(steps, name="steps", kind="integer", low=1)
    learning_rate = check_scalar(
        learning_rate,
        name="learning_rate",
        low=0,
        closed="neither",
    )
    pull = check_scalar(pull, name="pull", low=0)
    weights, offsets = shipped_kernel.copy(), shipped_bias.copy()
    rows = np.arange(len(labels))
    for _ in range(steps):
        logits = features @ weights + offsets
        errors = np.exp(logits - logits.max(axis=1, keepdims=True))
        errors /= errors.sum(axis=1, keepdims=True)
        errors[rows, labels] -= 1
        errors /= len(labels)
        away = weights - shipped_kernel
        weights -= learning_rate * (features.T @ errors + pull * away)
        away = offsets - shipped_bias
        offsets -= learning_rate * (errors.sum(axis=0) + pull * away)
    return weights, offsets
