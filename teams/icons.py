"""Pause's Microsoft Teams icons, drawn with Pillow so every build makes the same bytes.

The symbol is a pause button: two upright bars inside a ring. Teams wants a 192x192 colour icon
and a 32x32 outline icon that is white on a transparent background. Edit the shapes or colours
here; ``make teams-package`` redraws both.
"""
from __future__ import annotations

import io
from typing import Tuple

from PIL import Image, ImageDraw

Colour = Tuple[int, int, int]

NHS_BLUE: Colour = (0, 94, 184)
WHITE: Colour = (255, 255, 255)
COLOR_SIZE = 192
OUTLINE_SIZE = 32
# Drawn this many times larger, then each block of pixels averaged: smooth, even edges.
SCALE = 8


def pause_symbol(
    size: int, ring_outer: float, ring_inner: float, bar_width: float, bar_height: float, bar_gap: float
) -> Image.Image:
    """How much of each pixel (0 to 255) a ring with two upright rounded bars covers, centred."""
    big = Image.new("L", (size * SCALE, size * SCALE), 0)
    draw = ImageDraw.Draw(big)
    centre = size * SCALE / 2
    outer, inner = ring_outer * SCALE, ring_inner * SCALE
    draw.ellipse(
        [centre - outer, centre - outer, centre + outer, centre + outer], outline=255, width=round(outer - inner)
    )
    width, height, gap = bar_width * SCALE, bar_height * SCALE, bar_gap * SCALE
    for left in (centre - gap / 2 - width, centre + gap / 2):
        draw.rounded_rectangle(
            [left, centre - height / 2, left + width, centre + height / 2], radius=width / 3, fill=255
        )
    return big.reduce(SCALE)


def png(image: Image.Image) -> bytes:
    """The image as PNG bytes."""
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def color_icon() -> bytes:
    """192x192: a white pause symbol on an opaque NHS blue square."""
    icon = Image.new("RGBA", (COLOR_SIZE, COLOR_SIZE), NHS_BLUE + (255,))
    icon.paste(WHITE + (255,), mask=pause_symbol(COLOR_SIZE, 70, 58, 18, 60, 20))
    return png(icon)


def outline_icon() -> bytes:
    """32x32: the pause symbol in white on a transparent background."""
    icon = Image.new("RGBA", (OUTLINE_SIZE, OUTLINE_SIZE), WHITE + (0,))
    icon.putalpha(pause_symbol(OUTLINE_SIZE, 14.5, 12.5, 3.5, 11, 3.5))
    return png(icon)
