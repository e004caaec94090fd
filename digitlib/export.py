"""The shipped network as an ONNX file, for the pad that runs in a reader's browser.

``python -m digitlib.export OUT.onnx`` writes it; the book build runs that command and
ONNX Runtime Web runs the file in the page (see ``digitlib/web/``).  The file holds the
network as it predicts, without the augmentation layers that only act in training, with
the digit detector's features as a second output and the 128 averages that the last, dense
layer reads as a third, its large weights stored as float16 and cast back to float32 in the
graph (half the bytes; ONNX Runtime's CPU kernels compute in float32).  ``--detector
OUT.json`` also writes the detector's parameters for the page, ``--head OUT.json`` the dense
layer's weights (a start for a layer trained on a reader's own digits).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx

from digitlib.detector import FEATURE_LAYERS, load_detector, pooled_features
from digitlib.models import keras, load_pretrained
from digitlib.validation import INPUT_SHAPE


def inference_model(model=None):
    """``model`` (default: the shipped one) without its augmentation layer: the layers
    that act when it predicts, applied to a fresh ``image`` input, ready to export.  Three
    outputs: the probabilities, the digit detector's features
    (:func:`~digitlib.detector.pooled_features`), and what the last layer (``probabilities``,
    dense) reads: the 128 averages of the last block's maps."""
    model = load_pretrained() if model is None else model
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x, maps = inputs, {}
    for layer in model.layers[1:]:
        if layer.name == "probabilities":
            penultimate = x
        if layer.name != "augmentation":
            x = layer(x)
            maps[layer.name] = x
    features = pooled_features([maps[name] for name in FEATURE_LAYERS])
    predictor = keras.Model(inputs, [x, features, penultimate], name=f"{model.name}_inference")
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


def head_parameters(model=None) -> dict:
    """The last, dense layer of ``model`` (default: the shipped one) as plain lists, for the
    page's script: ``kernel`` row by row (one row of 10 per averaged feature), ``bias``, to 7
    significant digits, and ``features``, how many it reads."""
    model = load_pretrained() if model is None else model
    kernel, bias = model.get_layer("probabilities").get_weights()
    return {
        "kernel": [float(f"{v:.7g}") for v in kernel.ravel()],
        "bias": [float(f"{v:.7g}") for v in bias],
        "features": int(kernel.shape[0]),
    }


FLOAT16_FROM = 2_000  # weights a tensor must hold to be stored as float16


def float16_weights(graph_model: onnx.ModelProto, minimum: int = FLOAT16_FROM) -> onnx.ModelProto:
    """``graph_model`` with each float32 weight tensor of at least ``minimum`` numbers stored as
    float16, and a Cast node that turns it back into float32 before any other node uses it.
    The default keeps the first convolution, the dense layer and every bias in float32: with
    them in float16 too, probabilities move by up to 2e-3 on MNIST's test digits; without,
    by at most 6e-4, and the file is 587 kB instead of 1,157 kB."""
    graph = graph_model.graph
    weights, casts = [], []
    for tensor in graph.initializer:
        values = onnx.numpy_helper.to_array(tensor)
        if values.dtype == np.float32 and values.size >= minimum:
            stored = onnx.numpy_helper.from_array(values.astype(np.float16), tensor.name + "/float16")
            casts.append(onnx.helper.make_node("Cast", [stored.name], [tensor.name], to=onnx.TensorProto.FLOAT))
            weights.append(stored)
        else:
            weights.append(tensor)
    converted = onnx.ModelProto()
    converted.CopyFrom(graph_model)
    del converted.graph.initializer[:], converted.graph.node[:]
    converted.graph.initializer.extend(weights)
    converted.graph.node.extend([*casts, *graph.node])
    onnx.checker.check_model(converted)
    return converted


def export_onnx(path: str | Path, model=None) -> Path:
    """Write ``model`` (default: the shipped one) to ``path`` in the ONNX format, with
    Keras's own exporter (``model.export(..., format="onnx")``, which uses tf2onnx), its
    large weights as float16 (:func:`float16_weights`).  The file takes (N, 28, 28, 1)
    float32 images in [0, 1] and gives (N, 10) probabilities, (N, 384) features for the
    digit detector and the (N, 128) averages the dense layer reads."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        float32 = Path(scratch) / "float32.onnx"
        inference_model(model).export(str(float32), format="onnx", verbose=False)
        onnx.save(float16_weights(onnx.load(str(float32))), str(path))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digitlib.export", description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the .onnx file to write")
    parser.add_argument("--detector", type=Path, help="also write the digit detector's parameters to this .json file")
    parser.add_argument("--head", type=Path, help="also write the dense layer's weights to this .json file")
    args = parser.parse_args(argv)
    path = export_onnx(args.output)
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    for extra, parameters in [(args.detector, detector_parameters), (args.head, head_parameters)]:
        if extra is not None:
            extra.write_text(json.dumps(parameters()))
            print(f"wrote {extra} ({extra.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
