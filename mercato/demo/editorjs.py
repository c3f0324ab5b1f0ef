"""Build rich text the way Saleor stores it: Editor.js documents (JSON)."""

from __future__ import annotations

import random
import re
from typing import Any

EDITORJS_VERSION = "2.24.3"

_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
_TAG = re.compile(r"<[^>]+>")

# A block is (type, data); the common kinds have helpers below.
Block = tuple[str, dict[str, Any]]


def paragraph(text: str) -> Block:
    return ("paragraph", {"text": text})


def header(text: str, level: int = 2) -> Block:
    return ("header", {"text": text, "level": level})


def bullet_list(items: list[str]) -> Block:
    return ("list", {"style": "unordered", "items": items})


def block_ids(rng: random.Random, count: int) -> list[str]:
    """Return ``count`` ten-character block ids like the ones Editor.js generates."""
    return ["".join(rng.choices(_ID_ALPHABET, k=10)) for _ in range(count)]


def document(blocks: list[Block], *, ids: list[str], time_ms: int) -> dict[str, Any]:
    """Return an Editor.js document; ``ids`` gives one id per block (reuse them across
    translations so a translated document lines up with the original)."""
    return {
        "time": time_ms,
        "blocks": [
            {"id": block_id, "type": kind, "data": data}
            for block_id, (kind, data) in zip(ids, blocks, strict=True)
        ],
        "version": EDITORJS_VERSION,
    }


def plaintext(blocks: list[Block]) -> str:
    """The text of ``blocks`` without markup, one line per block."""
    lines: list[str] = []
    for _kind, data in blocks:
        if "text" in data:
            lines.append(_TAG.sub("", str(data["text"])))
        lines.extend(_TAG.sub("", str(item)) for item in data.get("items", ()))
    return "\n".join(line for line in lines if line)


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "\u2026"
