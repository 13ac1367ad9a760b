"""Safety triage before retrieval: crisis, dosing and personal advice, by patterns plus a classifier."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import numpy as np
import yaml

from ..domain.protocols import Embedder
from ..settings import Settings
from .classifier import LinearClassifier, features, load_classifier
from .normalize import normalize
from .rules import ALL_RULES, DISGUISE, DOSE_INFORMATIONAL, DOSE_WORD, TREATMENT_ANCHOR, Rule

log = logging.getLogger(__name__)
PRIORITY = ("self_harm", "medical_emergency", "dosing", "personal_medical_advice")
OUTCOME = {"self_harm": "crisis", "medical_emergency": "crisis", "dosing": "refused",
           "personal_medical_advice": "refused"}
MAX_TRIAGE_CHARS = 4000  # questions are capped at 1000; this bounds the work for any caller
REFUSALS = {"dosing", "personal_medical_advice"}
UNANCHORED_REFUSAL = 0.9  # classifier confidence needed to refuse a message that never mentions the treatment


@dataclass(frozen=True)
class TriageDecision:
    """The triage outcome, the patient-facing message and why (for staff)."""

    outcome: Literal["crisis", "refused", "pass"]
    category: str | None
    message: str | None
    debug: dict[str, Any] = field(default_factory=dict)


def _load_messages(settings: Settings) -> dict[str, str]:
    fill = {"clinic_name": settings.clinic_name, "clinic_phone": settings.clinic_phone}
    out: dict[str, str] = {}
    for name in ("crisis.yaml", "refusals.yaml"):
        raw = yaml.safe_load(resources.files("service.policies").joinpath(name).read_text("utf-8"))
        out.update({k: " ".join(str(v).split()).format(**fill) for k, v in raw.items()})
    return out


class Triage:
    """Decides crisis / refused / pass for a question; never raises, never needs the index."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None,
                 classifier: LinearClassifier | None = None) -> None:
        self.messages = _load_messages(settings)
        self.embedder = embedder
        clf = classifier if classifier is not None else load_classifier()
        # the classifier only means something for the embedding model it was trained on
        self.classifier = clf if clf is not None and embedder is not None and \
            clf.fingerprint == embedder.fingerprint else None

    def decide(self, question: str, vector: np.ndarray | None = None) -> TriageDecision:
        """Triage one message."""
        try:
            return self._decide(question, vector)
        except Exception:  # a bug here must fail safe, toward the crisis resources, never to a crash
            log.exception("triage failed")
            return self._decision("self_harm", {"error": "triage failed; crisis resources shown"})

    def _decide(self, question: str, vector: np.ndarray | None) -> TriageDecision:
        text = normalize(question[:MAX_TRIAGE_CHARS])
        hits = _rule_hits(text, ALL_RULES)
        debug: dict[str, Any] = {"rules": hits}
        cats = {r.category for r in ALL_RULES if r.name in hits}
        if DISGUISE.search(text) and DOSE_WORD.search(text):
            cats.add("dosing")
            debug["disguised_request"] = True
        if "dosing" in cats and DOSE_INFORMATIONAL.search(text) and not hits.get("dose_units"):
            cats.discard("dosing")  # "how is the dose decided in general?" is answered, not refused
            debug["informational_dose_question"] = True
        probs = self._probabilities(question, text, vector)
        if probs is not None and self.classifier is not None:
            debug["classifier"] = {k: round(v, 4) for k, v in probs.items()}
            debug["thresholds"] = self.classifier.thresholds
            flagged = set(self.classifier.flagged(probs))
            if debug.get("informational_dose_question"):
                flagged.discard("dosing")
            if not TREATMENT_ANCHOR.search(text):
                flagged = {c for c in flagged if c not in REFUSALS or probs[c] >= UNANCHORED_REFUSAL}
            cats |= flagged
            debug["classifier_flagged"] = sorted(flagged)
        for category in PRIORITY:
            if category in cats:
                return self._decision(category, debug)
        return TriageDecision("pass", None, None, debug)

    def _probabilities(self, question: str, text: str, vector: np.ndarray | None) -> dict[str, float] | None:
        if self.classifier is None or self.embedder is None:
            return None
        try:
            vec = vector if vector is not None else self.embedder.embed_query(question[:MAX_TRIAGE_CHARS])
            return self.classifier.probabilities(features(vec, text))
        except Exception:  # the model failing must not block triage: the patterns still decide
            log.warning("triage classifier unavailable; patterns only")
            return None

    def _decision(self, category: str, debug: dict[str, Any]) -> TriageDecision:
        outcome = OUTCOME[category]
        return TriageDecision(outcome, category, self.messages[category], debug)  # type: ignore[arg-type]


def _rule_hits(text: str, rules: list[Rule]) -> dict[str, str]:
    """Rule name -> the matched text (for the debug trail)."""
    out: dict[str, str] = {}
    for rule in rules:
        m = rule.pattern.search(text)
        if m:
            out[rule.name] = m.group(0)[:80]
    return out
