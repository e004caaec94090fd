import numpy as np
import pytest

from digitlib.detector import features_of, load_detector
from digitlib.export import detector_parameters, export_onnx, head_parameters
from digitlib.models import keras, load_pretrained
from digitlib.preprocess import to_model_input


@pytest.fixture(scope="module")
def onnx_file(tmp_path_factory):
    return export_onnx(tmp_path_factory.mktemp("onnx") / "digit_cnn.onnx")


def test_the_onnx_file_predicts_what_keras_predicts(onnx_file, mnist):
    """With its large weights in float16: probabilities within 1e-3 of Keras's on all 10,000 test
    digits, and the same digit predicted but where Keras's two best are within 1e-3 of each other
    (a near-tie, which either may win: counted and printed; none on MNIST's test digits today)."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    (image,) = session.get_inputs()
    assert image.shape[1:] == [28, 28, 1]
    x = to_model_input(mnist.x_test)  # all 10,000 test digits
    outputs = [session.run(None, {image.name: batch}) for batch in np.array_split(x, 20)]
    in_browser = np.concatenate([probabilities for probabilities, _, _ in outputs])
    in_keras = load_pretrained().predict(x, batch_size=500, verbose=0)
    assert in_browser.shape == in_keras.shape == (10_000, 10)
    largest = np.abs(in_browser - in_keras).max()
    two_best = np.sort(in_keras, axis=1)[:, -2:]
    near_ties = two_best[:, 1] - two_best[:, 0] < 1e-3
    differ = in_browser.argmax(axis=1) != in_keras.argmax(axis=1)
    print(f"largest difference {largest:.1e}; {differ.sum()} digits predicted differently, "
          f"{near_ties.sum()} near-ties")  # fmt: skip
    assert largest < 1e-3
    assert not np.any(differ & ~near_ties)
    # the second output: the digit detector's features, and so its verdicts
    features = np.concatenate([features for _, features, _ in outputs])
    in_python = features_of(load_pretrained(), x)
    assert features.shape == in_python.shape == (10_000, 384)
    assert np.abs(features - in_python).max() < 1e-3 * np.abs(in_python).max()
    detector = load_detector()
    assert np.mean(detector.is_digit(features) == detector.is_digit(in_python)) > 0.999
    # the third: what the dense layer reads, which with its weights gives the probabilities again
    averages = np.concatenate([averages for _, _, averages in outputs])
    shipped = load_pretrained()
    reads = keras.Model(shipped.inputs, shipped.get_layer("probabilities").input)
    in_keras = reads.predict(x, batch_size=500, verbose=0)
    assert averages.shape == in_keras.shape == (10_000, 128)
    assert np.abs(averages - in_keras).max() < 1e-3 * np.abs(in_keras).max()
    head = head_parameters()
    logits = averages @ np.reshape(head["kernel"], (head["features"], 10)) + head["bias"]
    softmax = np.exp(logits - logits.max(axis=1, keepdims=True))
    np.testing.assert_allclose(softmax / softmax.sum(axis=1, keepdims=True), in_browser, atol=1e-5)


def test_the_detector_for_the_page_is_the_shipped_one():
    parameters = detector_parameters()
    detector = load_detector()
    assert parameters["hidden_size"] == detector.hidden_weights.shape[1] == 64
    hidden = np.array(parameters["hidden_weights"]).reshape(-1, parameters["hidden_size"])
    np.testing.assert_allclose(hidden, detector.hidden_weights, rtol=1e-6)
    assert parameters["threshold"] == pytest.approx(detector.threshold, rel=1e-6)


def test_the_onnx_file_is_small_enough_for_a_page(onnx_file):
    assert onnx_file.stat().st_size <= 0.65e6  # 1.16 MB with every weight in float32


def test_float16_weights_are_cast_back_to_float32_before_use(onnx_file):
    import onnx

    graph = onnx.load(str(onnx_file)).graph
    halves = {t.name for t in graph.initializer if t.data_type == onnx.TensorProto.FLOAT16}
    casts = [node for node in graph.node if node.op_type == "Cast" and node.input[0] in halves]
    assert len(halves) == len(casts) >= 5  # the convolutions after the first
    assert all(node.attribute[0].i == onnx.TensorProto.FLOAT for node in casts)
    users = {name for node in graph.node if node.op_type != "Cast" for name in node.input}
    assert not halves & users
