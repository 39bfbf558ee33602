"""A four-digit image captcha drawn as SVG: enough to stop a robot that does not know the
answer, which is the point (the clerk types it in ``petitionbot login``)."""

from __future__ import annotations

import random


def svg(answer: str, seed: int = 0) -> bytes:
    rng = random.Random(f"{seed}:{answer}")
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="100" height="36" viewBox="0 0 100 36">',
             '<rect width="100" height="36" fill="#eef2f7"/>']
    for _ in range(5):  # noise lines
        x1, y1, x2, y2 = (rng.randint(0, 100), rng.randint(0, 36), rng.randint(0, 100), rng.randint(0, 36))
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#9ab" stroke-width="1"/>')
    for i, digit in enumerate(answer):
        angle = rng.randint(-25, 25)
        x, y = 12 + i * 22, 26 + rng.randint(-3, 3)
        parts.append(f'<text x="{x}" y="{y}" font-size="22" font-family="monospace" fill="#345" '
                     f'transform="rotate({angle} {x} {y})">{digit}</text>')
    parts.append("</svg>")
    return "".join(parts).encode()
