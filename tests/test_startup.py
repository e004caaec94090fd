import subprocess
import sys
import textwrap

NOTICES = (
    b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
    b"I0000 00:00:1795840787.681378    2029 port.cc:153] oneDNN custom operations are on. You may see "
    b"slightly different numerical results due to floating-point round-off errors.\n"
)


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)


def test_importing_keras_prints_no_startup_notices():
    result = run_python("""
        from digitlib.startup import quiet_tensorflow_startup
        with quiet_tensorflow_startup():
            import keras
        print(keras.backend.backend())
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "tensorflow"
    assert result.stderr == ""


def test_setup_notebook_returns_keras_quietly_and_switches_on_colabs_widgets():
    result = run_python("""
        import sys, types
        calls = []
        colab = types.ModuleType("google.colab")
        colab.output = types.SimpleNamespace(enable_custom_widget_manager=lambda: calls.append("widgets"))
        sys.modules["google.colab"] = colab
        from digitlib.startup import setup_notebook
        keras = setup_notebook()
        print(keras.backend.backend(), calls)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "tensorflow ['widgets']"
    assert result.stderr == ""


def test_only_the_startup_notices_are_dropped():
    result = run_python(f"""
        import os
        from digitlib.startup import quiet_tensorflow_startup
        with quiet_tensorflow_startup():
            os.write(2, {NOTICES!r} + b"E0000 something that matters\\n")
        print("after")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "after\n"
    assert result.stderr == "E0000 something that matters\n"


def test_stderr_comes_back_when_the_block_fails():
    result = run_python(f"""
        import os, sys
        from digitlib.startup import quiet_tensorflow_startup
        try:
            with quiet_tensorflow_startup():
                os.write(2, {NOTICES!r} + b"captured before the error\\n")
                raise ImportError("no module named tensorflow")
        except ImportError as error:
            os.write(2, f"then: {{error}}\\n".encode())
    """)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "captured before the error\nthen: no module named tensorflow\n"


def test_works_without_a_stderr_file_descriptor():
    result = run_python("""
        import os
        os.close(2)
        from digitlib.startup import quiet_tensorflow_startup
        with quiet_tensorflow_startup():
            import keras
        print(keras.backend.backend())
    """)
    assert result.returncode == 0 and result.stdout.strip() == "tensorflow"
