"""The reader's own last layer (digitlib.reader_layer): what it learns, and what it keeps."""

import numpy as np
import pytest

from digitlib.data import split_validation
from digitlib.evaluate import worst_read_writer
from digitlib.export import head_parameters
from digitlib.models import keras, load_pretrained
from digitlib.pen_inputs import pen_inputs
from digitlib.preprocess import to_model_input
from digitlib.reader_layer import train_reader_layer


@pytest.fixture(scope="module")
def shipped():
    model = load_pretrained()
    head = head_parameters(model)
    kernel = np.reshape(head["kernel"], (head["features"], 10))
    return model, keras.Model(model.inputs, model.get_layer("probabilities").input), kernel, np.array(head["bias"])


def accuracy(kernel, bias, features, labels) -> float:
    return float(np.mean((features @ kernel + bias).argmax(axis=1) == labels))


def test_with_no_pull_and_one_step_it_is_chapter_4s_gradient_step():
    rng = np.random.default_rng(0)
    features, labels = rng.random((20, 5)), np.arange(20) % 10
    kernel, bias = rng.normal(size=(5, 10)), rng.normal(size=10)
    weights, offsets = train_reader_layer(features, labels, kernel, bias, steps=1, learning_rate=0.5, pull=0.0)
    logits = features @ kernel + bias
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    p[np.arange(20), labels] -= 1
    np.testing.assert_allclose(weights, kernel - 0.5 * features.T @ p / 20)
    np.testing.assert_allclose(offsets, bias - 0.5 * p.sum(axis=0) / 20)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="kernel"):
        train_reader_layer(np.ones((2, 3)), [1, 2], np.ones((4, 10)), np.ones(10))
    with pytest.raises(ValueError, match="steps"):
        train_reader_layer(np.ones((2, 3)), [1, 2], np.ones((3, 10)), np.ones(10), steps=0)


def test_trained_on_one_writer_it_forgets_at_most_a_point_of_mnist(shipped, mnist):
    """Three drawings of each digit by the validation writer whom the shipped model reads worst
    (the writer of "Make it yours"); 2,000 MNIST validation digits before and after."""
    model, reads, kernel, bias = shipped
    _, (x_validation, y_validation) = split_validation(mnist.x_train, mnist.y_train)
    mnist_features = reads.predict(to_model_input(x_validation[:2000]), verbose=0)
    pens = pen_inputs("digits", "validation")
    mine = pens.writers == worst_read_writer(model, pens)
    features, labels = reads.predict(pens.strokes[mine], verbose=0), pens.labels[mine]
    rng = np.random.default_rng(0)
    drawn = np.concatenate([rng.permutation(np.flatnonzero(labels == digit))[:3] for digit in range(10)])
    rest = np.setdiff1d(np.arange(len(labels)), drawn)
    weights, offsets = train_reader_layer(features[drawn], labels[drawn], kernel, bias)
    before = accuracy(kernel, bias, mnist_features, y_validation[:2000])
    after = accuracy(weights, offsets, mnist_features, y_validation[:2000])
    writer_before = accuracy(kernel, bias, features[rest], labels[rest])
    writer_after = accuracy(weights, offsets, features[rest], labels[rest])
    print(f"MNIST {before:.2%} -> {after:.2%}; the writer's other digits {writer_before:.1%} -> {writer_after:.1%}")
    assert after >= before - 0.01
    assert writer_after >= writer_before
