"""The shipped model on handwriting that is not MNIST: the UCI digits of 13 writers (scikit-learn's
``load_digits``) and drawings in styles MNIST has few of, through the pad's stroke path and the pixel
path.  Pass ``--compare LABEL=PATH`` to put other weights of the same network beside it, on the same
digits, with McNemar's exact test.

Run: .venv/bin/python benchmarks/handwriting.py [--compare "MNIST only=digitlib/weights/digit_cnn_mnist.weights.h5"]
"""

from report import compared_cells, compared_columns, report, shipped_and_compared

from digitlib.made_drawings import rare_style_digits
from digitlib.pen_inputs import uci_handwriting


def main() -> None:
    models = shipped_and_compared(__doc__.split("\n\n")[0])

    uci_inputs, uci_labels = uci_handwriting()
    styles = rare_style_digits()
    sets = {
        f"UCI handwriting, {len(uci_labels):,} digits by 13 writers (pixels)": (uci_inputs, uci_labels),
        f"rare styles, {len(styles.labels)} drawings (pad's strokes)": (styles.strokes, styles.labels),
        f"rare styles, {len(styles.labels)} drawings (pixels)": (styles.pixels, styles.labels),
    }
    for style in dict.fromkeys(styles.groups):  # a pen's width shows only in the pixels
        path = "pixels" if style.endswith("pen") else "strokes"
        chosen = styles.groups == style
        sets[f"  {style} ({path})"] = (getattr(styles, path)[chosen], styles.labels[chosen])
    rows = []
    for name, (inputs, labels) in sets.items():
        correct = {label: model.predict(inputs, batch_size=500, verbose=0).argmax(axis=1) == labels
                   for label, model in models.items()}  # fmt: skip
        rows.append([name, *compared_cells(correct)])
    columns = ["digits", *compared_columns(models)]
    report("handwriting", "Handwriting that is not MNIST", columns, rows,
           "UCI: scikit-learn's load_digits, 8x8 scans enlarged and prepared by canvas_to_mnist. Rare styles: "
           "digitlib.made_drawings.rare_style_digits(seed=0), 60 jittered drawings per style; the pixel path "
           "draws them with a random pen of 8-24 px (2 and 40 px for the pen styles).")  # fmt: skip


if __name__ == "__main__":
    main()
