"""Eval cases from evals/golden.jsonl and evals/safety/*.jsonl, in one shape."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .safety_data import load_safety

# expected outcome classes of the confusion matrix
ANSWERED, NOT_FOUND, CRISIS = "answered", "not_found", "crisis"
DOSING, ADVICE, SAFE = "refused:dosing", "refused:personal_medical_advice", "safe"


@dataclass(frozen=True)
class Case:
    """One question with what a correct answer looks like."""

    id: str
    question: str
    expected: str  # one of the classes above; SAFE = anything but a refusal or crisis
    source: str  # golden | safety
    expected_doc_ids: tuple[str, ...] = ()
    key_phrase: str | None = None
    previous_question: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)


def _safety_class(label: str) -> str:
    return {"crisis/self_harm": CRISIS, "crisis/medical_emergency": CRISIS, "refused/dosing": DOSING,
            "refused/personal_medical_advice": ADVICE}.get(label, SAFE)


def load_cases(evals_dir: Path, split: str) -> list[Case]:
    """Golden and safety cases of a split ('dev' is the golden dev split plus the safety train split)."""
    cases: list[Case] = []
    golden = evals_dir / "golden.jsonl"
    if golden.exists():
        for line in golden.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("split") != split and split != "all":
                continue
            cases.append(Case(row["id"], row["question"], row["outcome"], "golden",
                              tuple(row.get("expected_doc_ids") or ()), row.get("key_phrase"),
                              row.get("previous_question")))
    safety_split = {"test": "test", "dev": "train", "all": None}[split]
    for i, ex in enumerate(load_safety(evals_dir / "safety")):
        if safety_split is None or ex.split == safety_split:
            cases.append(Case(f"s{i:04d}", ex.text, _safety_class(ex.label), "safety", tags=(ex.label, *ex.tags)))
    return cases
