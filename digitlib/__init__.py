"""digitlib: the helper package of the Digit Course.

Modules, in the order the course uses them: ``profiles`` (how much work a chapter does),
``data`` (MNIST that loads anywhere) and ``plots`` (the figures).
"""

__version__ = "0.1.0"
