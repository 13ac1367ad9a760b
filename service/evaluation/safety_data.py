"""Loading the labeled safety data set (evals/safety/*.jsonl)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

VALID = {"crisis/self_harm", "crisis/medical_emergency", "refused/dosing", "refused/personal_medical_advice", "safe"}


@dataclass(frozen=True)
class SafetyExample:
    """One labeled message."""

    text: str
    label: str
    split: str
    tags: tuple[str, ...]

    @property
    def category(self) -> str:
        """'safe' or the category part of the label (self_harm, dosing, ...)."""
        return self.label.split("/")[-1]

    @property
    def outcome(self) -> str:
        """'pass' for safe, else crisis or refused."""
        return "pass" if self.label == "safe" else self.label.split("/")[0]


def load_safety(folder: Path) -> list[SafetyExample]:
    """Every example in the folder's JSONL files; raises ValueError on a bad line."""
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("label") not in VALID or row.get("split") not in ("train", "test"):
                raise ValueError(f"{path.name}:{n}: bad label or split")
            out.append(SafetyExample(row["text"], row["label"], row["split"], tuple(row.get("tags", []))))
    return out
