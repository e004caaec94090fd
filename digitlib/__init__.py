"""digitlib: the helper package of the Digit Course.

Modules, in the order data flows through them: ``startup`` (loads TensorFlow without its start-up
notices, and prepares a chapter's notebook), ``validation`` (the input checks every module
shares), ``profiles`` (how much work a chapter does), ``data`` (MNIST that loads anywhere),
``unipen`` (real pen-written digits and letters, split by writer),
``preprocess`` (scaling, shapes, drawings to MNIST), ``pen_inputs`` (real handwriting prepared as the
pad prepares a drawing), ``made_drawings`` (drawings the course makes itself: example strokes, rare
styles, jittered copies, redrawn MNIST digits), ``models`` (the networks and the shipped one),
``train`` (the training loop and recipe), ``evaluate`` (metrics, mistakes, robustness),
``comparisons`` (experiments too long for the book build, recorded once by a command),
``nondigits`` (letters, scribbles and noise made on purpose), ``detector`` (is it a digit at
all?), ``export``
(the shipped model as ONNX, for the pad on the book's pages), ``reader_layer`` (a last layer
trained on a reader's own drawings, as the page's pad trains it), ``plots``
(the figures), ``interactive`` (a figure redrawn as sliders move), ``drawings`` (labelled
drawings stored in a file), ``draw`` (the drawing pad and the collector) and ``exercises``
(exercises a reader's answer can be checked against).
"""

__version__ = "0.1.0"
