"""Demo product pictures drawn with Pillow (issue 15): each product type drawn as what it is — a sandal, a bag, a
belt, a shoe, a wallet — in the colour of the variant it shows, so a "Hitam" item is drawn black. No downloads.

``draw(kind, colour)`` returns JPEG bytes; ``kind`` is a product class slug from ``data.PRODUCT_CLASSES``.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

SIZE = 480
BACKGROUND = (251, 246, 239)


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def _shade(colour, amount: int) -> tuple[int, int, int]:
    """Lighter (amount > 0) or darker; a black item gets a visible grey edge, not black on black."""
    return tuple(max(0, min(255, c + amount)) for c in colour)


def _edge(colour) -> tuple[int, int, int]:
    return _shade(colour, 70) if sum(colour) < 150 else _shade(colour, -50)


def _stitches(draw, points, colour, gap: int = 14) -> None:
    """Dashed stitching along a polyline."""
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        length = max(abs(x2 - x1), abs(y2 - y1))
        for k in range(0, length, gap):
            t1, t2 = k / length, min(1, (k + gap / 2) / length)
            draw.line(
                (x1 + (x2 - x1) * t1, y1 + (y2 - y1) * t1, x1 + (x2 - x1) * t2, y1 + (y2 - y1) * t2),
                fill=colour,
                width=3,
            )


def _sandal(draw, c, e) -> None:
    # A sole seen from above, with two crossing straps.
    strap = _shade(c, -30)
    draw.ellipse((150, 50, 330, 250), fill=c, outline=e, width=6)
    draw.ellipse((160, 200, 320, 430), fill=c, outline=e, width=6)
    draw.rectangle((168, 150, 312, 330), fill=c)
    draw.line((153, 150, 163, 330), fill=e, width=6)
    draw.line((327, 150, 317, 330), fill=e, width=6)
    draw.polygon([(140, 130), (340, 190), (340, 230), (140, 170)], fill=strap, outline=e)
    draw.polygon([(140, 230), (340, 170), (340, 210), (140, 270)], fill=strap, outline=e)
    _stitches(draw, [(175, 90), (305, 90)], e)


def _bag(draw, c, e) -> None:
    draw.arc((160, 50, 320, 230), 180, 360, fill=e, width=16)  # the handle
    draw.rounded_rectangle((80, 140, 400, 400), radius=30, fill=c, outline=e, width=6)
    draw.polygon([(80, 170), (400, 170), (400, 250), (240, 290), (80, 250)], fill=_shade(c, -20), outline=e)
    draw.rounded_rectangle((220, 265, 260, 305), radius=6, fill=(200, 170, 90), outline=e, width=3)  # the clasp
    _stitches(draw, [(100, 380), (380, 380)], _edge(c))


def _belt(draw, c, e) -> None:
    draw.rounded_rectangle((30, 200, 450, 270), radius=10, fill=c, outline=e, width=5)
    draw.rectangle((300, 185, 370, 285), outline=(200, 170, 90), width=10)  # the buckle
    draw.line((335, 190, 335, 280), fill=(200, 170, 90), width=6)
    for x in range(90, 260, 36):  # the holes
        draw.ellipse((x - 6, 229, x + 6, 241), fill=BACKGROUND, outline=e)
    _stitches(draw, [(40, 210), (290, 210)], _edge(c))
    _stitches(draw, [(40, 260), (290, 260)], _edge(c))


def _shoe(draw, c, e) -> None:
    # Side view: a low leather shoe on a darker sole.
    draw.rounded_rectangle((50, 330, 440, 370), radius=14, fill=_shade(c, -60), outline=e, width=4)
    draw.polygon(
        [(60, 335), (60, 200), (110, 170), (200, 190), (260, 240), (380, 260), (435, 300), (435, 335)],
        fill=c,
        outline=e,
    )
    draw.line((60, 335, 435, 335), fill=e, width=4)
    for x in range(170, 260, 22):  # the laces
        draw.line((x, 205 + (x - 170) // 3, x + 16, 225 + (x - 170) // 3), fill=_edge(c), width=4)
    _stitches(draw, [(70, 315), (430, 315)], _edge(c))


def _wallet(draw, c, e) -> None:
    draw.rounded_rectangle((90, 130, 390, 350), radius=18, fill=c, outline=e, width=6)
    draw.rounded_rectangle((250, 200, 400, 280), radius=14, fill=_shade(c, -25), outline=e, width=5)  # the flap
    draw.ellipse((350, 228, 374, 252), fill=(200, 170, 90), outline=e)  # the snap
    _stitches(draw, [(110, 150), (370, 150), (370, 190)], _edge(c))
    _stitches(draw, [(110, 330), (370, 330)], _edge(c))


SHAPES = {"sandal": _sandal, "tas": _bag, "sabuk": _belt, "sepatu": _shoe, "dompet": _wallet}


def draw(kind: str, colour: tuple[int, int, int], label: str = "") -> bytes:
    img = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    canvas = ImageDraw.Draw(img)
    edge = _edge(colour) if sum(colour) < 150 else _shade(colour, -50)
    SHAPES.get(kind, _bag)(canvas, colour, edge)
    if label:
        canvas.text((20, 20), label[:48], fill=(60, 40, 25))
    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()
