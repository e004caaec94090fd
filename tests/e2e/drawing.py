"""What the browser tests draw, and how: with the mouse, as a hand would."""

# Drawings in canvas pixels: a digit, where and how big (the pad is 280x280), and a
# letter, which the pad shows as "?" (not a digit).
CIRCLE = [(0, -1), (0.5, -0.87), (0.87, -0.5), (1, 0), (0.87, 0.5), (0.5, 0.87), (0, 1)]
CIRCLE += [(-x, y) for x, y in reversed(CIRCLE[:-1])]
DRAWINGS = [
    ("1", [[(140, 30), (140, 250)]]),
    ("0", [[(40 + 30 * s, 200 + 45 * c) for s, c in CIRCLE]]),
    ("7", [[(150, 40), (260, 40), (190, 200)]]),
    ("?", [[(80, 30), (80, 250)], [(210, 30), (80, 150), (210, 250)]]),  # a K
]


def draw(page, canvas, strokes) -> None:
    """Draw ``strokes`` on the ``canvas`` locator with the mouse, each segment in eight moves."""
    box = canvas.bounding_box()
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.mouse.down()
        for (ax, ay), (bx, by) in zip(stroke, stroke[1:]):
            for step in range(1, 9):
                t = step / 8
                page.mouse.move(box["x"] + ax + (bx - ax) * t, box["y"] + ay + (by - ay) * t)
        page.mouse.up()
