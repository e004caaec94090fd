"""Test accuracy of the shipped model on all 10,000 MNIST test digits, next to published references.

Run: .venv/bin/python benchmarks/accuracy.py
(The baseline's and the augmented networks' accuracies come from benchmarks/training.py.)
"""

import numpy as np
from report import report

from digitlib.data import load_mnist
from digitlib.evaluate import accuracy_interval
from digitlib.models import load_pretrained
from digitlib.preprocess import to_model_input

# Published test accuracies on the same 10,000 digits: quoted, not measured here.
REFERENCES = [
    ("the original demo's enhanced CNN", 0.9894, "the demo's own report"),
    ("LeNet-5", 0.9905, "LeCun et al. 1998"),
    ("Keras 2 example mnist_cnn.py (the baseline)", 0.9925, "keras-team/keras examples, after 12 epochs"),
    ("CNN with elastic distortions", 0.996, "Simard et al. 2003"),
    ("committee of 35 CNNs", 0.9977, "Ciresan et al. 2012"),
]


def main() -> None:
    _, (x_test, y_test) = load_mnist(verbose=False)
    model = load_pretrained()
    predicted = model.predict(to_model_input(x_test), batch_size=500, verbose=0).argmax(axis=1)
    correct = int(np.sum(predicted == y_test))
    low, high = accuracy_interval(correct, len(y_test))
    rows = [[
        "load_pretrained() (shipped)", f"{correct / len(y_test):.2%}", f"{low:.2%} to {high:.2%}",
        len(y_test) - correct, f"measured, {model.count_params():,} weights",
    ]]  # fmt: skip
    rows += [[name, f"{value:.2%}", "", "", f"reported: {source}"] for name, value, source in REFERENCES]
    report("accuracy", "Test accuracy on the 10,000 MNIST test digits",
           ["model", "test accuracy", "95 % interval", "wrong", "source"], rows)  # fmt: skip


if __name__ == "__main__":
    main()
