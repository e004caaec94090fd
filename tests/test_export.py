import numpy as np
import pytest

from digitlib.export import export_onnx
from digitlib.models import load_pretrained
from digitlib.preprocess import to_model_input


@pytest.fixture(scope="module")
def onnx_file(tmp_path_factory):
    return export_onnx(tmp_path_factory.mktemp("onnx") / "digit_cnn.onnx")


def test_the_onnx_file_predicts_what_keras_predicts(onnx_file, mnist):
    import onnxruntime

    session = onnxruntime.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    (image,) = session.get_inputs()
    assert image.shape[1:] == [28, 28, 1]
    x = to_model_input(mnist.x_test)  # all 10,000 test digits
    in_browser = np.concatenate([session.run(None, {image.name: batch})[0] for batch in np.array_split(x, 20)])
    in_keras = load_pretrained().predict(x, batch_size=500, verbose=0)
    assert in_browser.shape == in_keras.shape == (10_000, 10)
    assert np.abs(in_browser - in_keras).max() < 1e-4
    assert np.array_equal(in_browser.argmax(axis=1), in_keras.argmax(axis=1))


def test_the_onnx_file_is_small_enough_for_a_page(onnx_file):
    assert onnx_file.stat().st_size <= 1.5e6
