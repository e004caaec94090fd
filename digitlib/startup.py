"""Loading TensorFlow without the C++ notices it prints on start-up.

TensorFlow 2.19 and later print ``oneDNN custom operations are on ...`` (twice, each after absl's
``WARNING: All log messages before absl::InitializeLog() is called ...``) straight to the process's
standard error while they load, whatever ``TF_CPP_MIN_LOG_LEVEL`` says; JupyterLab shows those lines
in red under the first cell that imports Keras.  Wherever the course may be the first to load
TensorFlow (the chapters' set-up cells, ``digitlib``'s modules, the benchmarks), it does so inside
:func:`quiet_tensorflow_startup`, which drops exactly those lines and lets everything else through.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator

#: The start-up lines that are dropped; any other output is passed on unchanged.
STARTUP_NOTICES = (
    "oneDNN custom operations are on.",
    "All log messages before absl::InitializeLog() is called are written to STDERR",
)


@contextlib.contextmanager
def quiet_tensorflow_startup() -> Iterator[None]:
    """Run the block (``import keras``, say) with TensorFlow's start-up notices removed from stderr.

    Sets ``TF_CPP_MIN_LOG_LEVEL=2`` unless it is set already (TensorFlow's own informational log),
    and captures the process's standard error (file descriptor 2, where C++ writes) during the
    block; afterwards every captured line that is not one of :data:`STARTUP_NOTICES` is written
    to ``sys.stderr``.  Once TensorFlow is loaded it prints no such notices again, and the block
    runs without capturing anything.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        saved_stderr = os.dup(2) if "tensorflow" not in sys.modules and sys.stderr else None
    except OSError:  # no file descriptor 2 (a GUI process without a console): nothing to keep clean
        saved_stderr = None
    if saved_stderr is None:
        yield
        return
    sys.stderr.flush()
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines(keepends=True)
            kept = [line for line in lines if not any(notice in line for notice in STARTUP_NOTICES)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


def setup_notebook():
    """What every chapter's first cell calls: returns Keras, loaded without TensorFlow's
    start-up notices, and on Google Colab switches on the custom widget manager first
    (Colab shows widgets such as the drawing pad only with it)."""
    if "google.colab" in sys.modules:
        from google.colab import output

        output.enable_custom_widget_manager()
    with quiet_tensorflow_startup():
        import keras
        import tensorflow as tf
    # TensorFlow's own log warns when a chapter predicts with several models in turn ("triggered
    # tf.function retracing", with memory addresses): nothing a reader can act on.
    tf.get_logger().setLevel("ERROR")
    return keras
