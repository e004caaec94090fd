"""What the browser tests draw, and how: with the mouse, as a hand would."""

from digitlib.made_drawings import ellipse, example_letters

# Drawings in canvas pixels: a digit, where and how big (the pad is 280x280), and a
# letter, which the pad shows as "?" (not a digit).
DRAWINGS = [
    ("1", [[(140, 30), (140, 250)]]),
    ("0", [ellipse(40, 200, 30, 45, points=13)]),  # small, low at the left
    ("7", [[(150, 40), (260, 40), (190, 200)]]),
    ("?", example_letters()["K"]),
]


def draw(page, canvas, strokes, moves: int = 8) -> None:
    """Draw ``strokes`` on the ``canvas`` locator with the mouse, each segment in ``moves`` moves
    (1 for a pen's own trajectory, whose points are already close together)."""
    canvas.evaluate("c => c.scrollIntoView({block: 'center'})")  # all of it in the viewport
    box = canvas.bounding_box()
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.mouse.down()
        for (ax, ay), (bx, by) in zip(stroke, stroke[1:]):
            for step in range(1, moves + 1):
                t = step / moves
                page.mouse.move(box["x"] + ax + (bx - ax) * t, box["y"] + ay + (by - ay) * t)
        page.mouse.up()
