"""The shipped network as an ONNX file, for the pad that runs in a reader's browser.

``python -m digitlib.export OUT.onnx`` writes it; the book build runs that command and
ONNX Runtime Web runs the file in the page (see ``book/web/``).  The file holds the
network as it predicts, without the augmentation layers that only act in training, with
the digit detector's features as a second output; ``--detector OUT.json`` also writes the
detector's parameters for the page.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from digitlib.detector import FEATURE_LAYERS, load_detector, pooled_features
from digitlib.models import keras, load_pretrained
from digitlib.validation import INPUT_SHAPE


def inference_model(model=None):
    """``model`` (default: the shipped one) without its augmentation layer: the layers
    that act when it predicts, applied to a fresh ``image`` input, ready to export.  Two
    outputs: the probabilities and the digit detector's features
    (:func:`~digitlib.detector.pooled_features`)."""
    model = load_pretrained() if model is None else model
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x, maps = inputs, {}
    for layer in model.layers[1:]:
        if layer.name != "augmentation":
            x = layer(x)
            maps[layer.name] = x
    features = pooled_features([maps[name] for name in FEATURE_LAYERS])
    predictor = keras.Model(inputs, [x, features], name=f"{model.name}_inference")
    predictor(np.zeros((1, *INPUT_SHAPE), np.float32))  # export needs a model that was called
    return predictor


def detector_parameters(detector=None) -> dict:
    """The digit detector (default: the shipped one) as plain lists, for the page's script:
    each weight matrix row by row, numbers to 7 significant digits."""
    detector = load_detector() if detector is None else detector
    return {
        name: float(f"{float(value):.7g}") if np.ndim(value) == 0 else
        [float(f"{v:.7g}") for v in np.asarray(value, np.float64).ravel()]
        for name, value in detector.__dict__.items()
    } | {"hidden_size": int(detector.hidden_weights.shape[1])}  # fmt: skip


def export_onnx(path: str | Path, model=None) -> Path:
    """Write ``model`` (default: the shipped one) to ``path`` in the ONNX format, with
    Keras's own exporter (``model.export(..., format="onnx")``, which uses tf2onnx).
    The file takes (N, 28, 28, 1) float32 images in [0, 1] and gives (N, 10) probabilities
    and (N, 384) features for the digit detector."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    inference_model(model).export(str(path), format="onnx", verbose=False)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digitlib.export", description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the .onnx file to write")
    parser.add_argument("--detector", type=Path, help="also write the digit detector's parameters to this .json file")
    args = parser.parse_args(argv)
    path = export_onnx(args.output)
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    if args.detector is not None:
        args.detector.write_text(json.dumps(detector_parameters()))
        print(f"wrote {args.detector} ({args.detector.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
