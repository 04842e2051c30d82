"""Pause's Microsoft Teams icons, drawn in code so every build makes the same bytes.

The symbol is a pause button: two upright bars inside a ring. Teams wants a 192x192 colour icon
and a 32x32 outline icon that is white on a transparent background. Edit the shapes or colours
here; ``make teams-package`` redraws both. Only the standard library is used (zlib and struct).
"""
from __future__ import annotations

import struct
import zlib
from typing import Callable, List, Tuple

Colour = Tuple[int, int, int]
Inside = Callable[[float, float], bool]

NHS_BLUE: Colour = (0, 94, 184)
WHITE: Colour = (255, 255, 255)
COLOR_SIZE = 192
OUTLINE_SIZE = 32
# Samples per pixel side: edges are anti-aliased by the share of samples inside the shape.
SAMPLES = 4


def pause_symbol(
    size: int, ring_outer: float, ring_inner: float, bar_width: float, bar_height: float, bar_gap: float
) -> Inside:
    """A ring with two upright rounded bars, centred in a square of the given size."""
    centre = size / 2
    radius = bar_width / 3

    def in_bar(x: float, y: float, left: float) -> bool:
        top, bottom, right = centre - bar_height / 2, centre + bar_height / 2, left + bar_width
        if not (left <= x <= right and top <= y <= bottom):
            return False
        # Round the corners: outside the inner rectangle, test the corner circle.
        cx = min(max(x, left + radius), right - radius)
        cy = min(max(y, top + radius), bottom - radius)
        return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2

    def inside(x: float, y: float) -> bool:
        distance = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
        if ring_inner <= distance <= ring_outer:
            return True
        return in_bar(x, y, centre - bar_gap / 2 - bar_width) or in_bar(x, y, centre + bar_gap / 2)

    return inside


def coverage(size: int, inside: Inside, samples: int = SAMPLES) -> List[List[float]]:
    """For each pixel, the share of it (0 to 1) that the shape covers."""
    step = 1 / samples
    offsets = [(i + 0.5) * step for i in range(samples)]
    total = samples * samples
    return [
        [
            sum(inside(px + dx, py + dy) for dx in offsets for dy in offsets) / total
            for px in range(size)
        ]
        for py in range(size)
    ]


def png(size: int, rgba_rows: List[bytes]) -> bytes:
    """A square RGBA PNG from rows of raw pixel bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    raw = b"".join(b"\x00" + row for row in rgba_rows)  # filter type 0 on every row
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def color_icon() -> bytes:
    """192x192: a white pause symbol on an opaque NHS blue square."""
    shape = pause_symbol(COLOR_SIZE, 70, 58, 18, 60, 20)
    rows = []
    for line in coverage(COLOR_SIZE, shape):
        row = bytearray()
        for share in line:
            row += bytes(round(b * (1 - share) + w * share) for b, w in zip(NHS_BLUE, WHITE))
            row.append(255)
        rows.append(bytes(row))
    return png(COLOR_SIZE, rows)


def outline_icon() -> bytes:
    """32x32: the pause symbol in white on a transparent background."""
    shape = pause_symbol(OUTLINE_SIZE, 14.5, 12.5, 3.5, 11, 3.5)
    rows = [
        b"".join(bytes(WHITE) + bytes([round(255 * share)]) for share in line)
        for line in coverage(OUTLINE_SIZE, shape)
    ]
    return png(OUTLINE_SIZE, rows)
