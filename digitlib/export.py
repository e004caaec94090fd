"""The shipped network as an ONNX file, for the pad that runs in a reader's browser.

``python -m digitlib.export OUT.onnx`` writes it; the book build runs that command and
ONNX Runtime Web runs the file in the page (see ``book/web/``).  The file holds the
network as it predicts, without the augmentation layers that only act in training.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from digitlib.models import keras, load_pretrained
from digitlib.validation import INPUT_SHAPE


def inference_model(model=None):
    """``model`` (default: the shipped one) without its augmentation layer: the layers
    that act when it predicts, applied to a fresh ``image`` input, ready to export."""
    model = load_pretrained() if model is None else model
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = inputs
    for layer in model.layers[1:]:
        if layer.name != "augmentation":
            x = layer(x)
    predictor = keras.Model(inputs, x, name=f"{model.name}_inference")
    predictor(np.zeros((1, *INPUT_SHAPE), np.float32))  # export needs a model that was called
    return predictor


def export_onnx(path: str | Path, model=None) -> Path:
    """Write ``model`` (default: the shipped one) to ``path`` in the ONNX format, with
    Keras's own exporter (``model.export(..., format="onnx")``, which uses tf2onnx).
    The file takes (N, 28, 28, 1) float32 images in [0, 1] and gives (N, 10) probabilities."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    inference_model(model).export(str(path), format="onnx", verbose=False)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digitlib.export", description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the .onnx file to write")
    args = parser.parse_args(argv)
    path = export_onnx(args.output)
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
