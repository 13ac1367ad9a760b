"""Flags for documents whose content looks like instructions to a model, or is hidden."""

from __future__ import annotations

import re

_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(previous|prior|above|earlier|all|your)\b"
    r".{0,20}\b(instructions?|rules|prompts?|guidelines)\b"
    r"|(^|\n|\s)(system|assistant|developer)\s*:"
    r"|\byou are now\b|\bnew instructions\b|\bjailbreak\b|<\|im_start\|>",
    re.IGNORECASE,
)


def instruction_flags(text: str) -> list[str]:
    """Names of the instruction-like patterns found in the text."""
    return ["instruction_like"] if _INSTRUCTION.search(text) else []
