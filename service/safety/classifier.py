"""A linear classifier over sentence embeddings, applied with numpy (trained by scripts/train_triage.py)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

LABELS = ("safe", "self_harm", "medical_emergency", "dosing", "personal_medical_advice")
WEIGHTS_FILE = "triage_classifier.npz"
NGRAM_BITS = 15  # 32,768 hashed character n-gram buckets


def char_ngrams(text: str) -> np.ndarray:
    """L2-normalized hashed character 3-5-grams of normalized text.

    Written here rather than taken from scikit-learn's HashingVectorizer so that serving needs only
    numpy; training calls this same function, so the features always match.
    """
    padded = f" {text} "
    vec = np.zeros(1 << NGRAM_BITS, dtype=np.float32)
    mask = (1 << NGRAM_BITS) - 1
    for n in (3, 4, 5):
        for i in range(len(padded) - n + 1):
            vec[zlib.crc32(padded[i:i + n].encode("utf-8")) & mask] += 1.0
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec


def features(vector: np.ndarray, normalized_text: str) -> np.ndarray:
    """The classifier's input: the sentence embedding beside the character n-grams."""
    return np.concatenate([vector.astype(np.float32), char_ngrams(normalized_text)])


@dataclass(frozen=True)
class LinearClassifier:
    """Softmax over W·x + b, with a per-class probability threshold."""

    weights: np.ndarray  # (classes, dim)
    bias: np.ndarray  # (classes,)
    labels: tuple[str, ...]
    thresholds: dict[str, float]
    fingerprint: str

    def probabilities(self, x: np.ndarray) -> dict[str, float]:
        """Class probabilities for one feature vector (see `features`)."""
        logits = self.weights @ x.astype(np.float32) + self.bias
        logits = logits - logits.max()
        p = np.exp(logits)
        p = p / p.sum()
        return {label: float(v) for label, v in zip(self.labels, p, strict=True)}

    def flagged(self, probs: dict[str, float]) -> list[str]:
        """Classes whose probability reaches their threshold."""
        return [c for c, t in self.thresholds.items() if probs.get(c, 0.0) >= t]

    def save(self, path: str) -> None:
        """Write the weights and thresholds."""
        np.savez_compressed(path, weights=self.weights, bias=self.bias, labels=np.array(self.labels),
                            threshold_names=np.array(list(self.thresholds)),
                            threshold_values=np.array(list(self.thresholds.values()), dtype=np.float32),
                            fingerprint=np.array(self.fingerprint))


def load_classifier() -> LinearClassifier | None:
    """The packaged classifier, or None when it has not been trained."""
    ref = resources.files("service.policies").joinpath(WEIGHTS_FILE)
    if not ref.is_file():
        return None
    with resources.as_file(ref) as path, np.load(path) as data:
        raw: dict[str, Any] = {k: data[k] for k in data.files}
    names = [str(x) for x in raw["threshold_names"]]
    return LinearClassifier(
        weights=raw["weights"].astype(np.float32), bias=raw["bias"].astype(np.float32),
        labels=tuple(str(x) for x in raw["labels"]),
        thresholds={n: float(v) for n, v in zip(names, raw["threshold_values"], strict=True)},
        fingerprint=str(raw["fingerprint"]),
    )
