"""Sphinx extension: the drawing pad that runs in the reader's browser (digitlib/web/digit-pad.js).

After the HTML is written, it puts into ``_static/digit-pad/`` what the pad loads
(:func:`write_pad_files`): its script and style, ONNX Runtime Web (from ``node_modules/``, which
``npm ci`` installs from package-lock.json), and the shipped model exported to ONNX by
``python -m digitlib.export``, with the digit detector's parameters.  A page loads only the
script and the style; the rest loads when the reader first touches a pad.
Over http(s) the pad fetches the runtime's WebAssembly and the model as they are; browsers
refuse fetch() and JavaScript modules on file:// pages, so both are also written wrapped in
classic scripts (base64) for those.  A page shows a pad where it holds
``<div class="digit-pad-web"></div>``.
"""

import base64
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "digitlib" / "web"
ORT = ROOT / "node_modules" / "onnxruntime-web" / "dist"
ORT_FILES = {"script": "ort.wasm.min.js", "glue": "ort-wasm-simd-threaded.mjs", "wasm": "ort-wasm-simd-threaded.wasm"}
SCREENSHOT = ROOT / "notebooks" / "images" / "digit-pad.png"


def _as_script(variable: str, value) -> str:
    return f"window.{variable} = {json.dumps(value)};\n"


def write_pad_files(out: Path) -> None:
    """Write into ``out`` every file the pad loads: for every page digit-pad.js and .css; on a
    reader's first touch ONNX Runtime Web's script, the digit detector (digit-detector.js), the
    shipped dense layer (digit-head.js, where the reader's own layer starts), and
    either the runtime's glue and WebAssembly and the model as they are (over http(s)) or the same
    in classic scripts (ort-wasm.js, digit-cnn.js: from file://); digit-pad.png when it cannot run."""
    missing = [name for name in ORT_FILES.values() if not (ORT / name).exists()]
    if missing:
        raise ExtensionError(
            f"ONNX Runtime Web is missing from {ORT} ({', '.join(missing)}): run `npm ci` (make book does it)"
        )
    out.mkdir(parents=True, exist_ok=True)
    for name in ("digit-pad.js", "digit-pad.css"):
        shutil.copy2(WEB / name, out / name)
    shutil.copy2(SCREENSHOT, out / "digit-pad.png")
    for name in ORT_FILES.values():
        shutil.copy2(ORT / name, out / name)
    runtime = {
        "glue": (ORT / ORT_FILES["glue"]).read_text(encoding="utf-8"),
        "wasm": base64.b64encode((ORT / ORT_FILES["wasm"]).read_bytes()).decode("ascii"),
    }
    (out / "ort-wasm.js").write_text(_as_script("DIGIT_PAD_ORT", runtime), encoding="utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        model, detector, head = (Path(scratch) / name for name in ("cnn.onnx", "detector.json", "head.json"))
        done = subprocess.run(
            [sys.executable, "-m", "digitlib.export", str(model), "--detector", str(detector), "--head", str(head)],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        if done.returncode != 0:
            raise ExtensionError(f"`python -m digitlib.export` failed:\n{done.stdout}{done.stderr}")
        shutil.copy2(model, out / "digit-cnn.onnx")
        encoded = base64.b64encode(model.read_bytes()).decode("ascii")
        parameters = json.loads(detector.read_text())
        layer = json.loads(head.read_text())
    (out / "digit-cnn.js").write_text(_as_script("DIGIT_PAD_MODEL", encoded), encoding="utf-8")
    (out / "digit-detector.js").write_text(_as_script("DIGIT_PAD_DETECTOR", parameters), encoding="utf-8")
    (out / "digit-head.js").write_text(_as_script("DIGIT_PAD_HEAD", layer), encoding="utf-8")


def _write_pad(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        write_pad_files(Path(app.outdir) / "_static" / "digit-pad")


def setup(app):
    app.add_js_file("digit-pad/digit-pad.js")
    app.add_css_file("digit-pad/digit-pad.css")
    app.connect("build-finished", _write_pad)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
