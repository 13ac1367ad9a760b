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
from .encoder import TriageModel, load_triage_model
from .normalize import normalize
from .rules import ALL_RULES, DISGUISE, DOSE_INFORMATIONAL, DOSE_WORD, TREATMENT_ANCHOR, Rule

log = logging.getLogger(__name__)
PRIORITY = ("self_harm", "medical_emergency", "dosing", "personal_medical_advice")
OUTCOME = {"self_harm": "crisis", "medical_emergency": "crisis", "dosing": "refused",
           "personal_medical_advice": "refused"}
MAX_TRIAGE_CHARS = 4000  # questions are capped at 1000; this bounds the work for any caller
REFUSALS = {"dosing", "personal_medical_advice"}
UNANCHORED_REFUSAL = 0.9  # classifier confidence needed to refuse a message that never mentions the treatment
CRISIS_KEY = "crisis"  # a threshold on P(self_harm) + P(medical_emergency), flagging the likelier of the two


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
                 classifier: LinearClassifier | None = None, model: TriageModel | None = None,
                 use_model: bool | None = None) -> None:
        """`use_model`: run the fine-tuned triage model; by default when an embedder is given (the full
        pipeline, as the engine builds it), so `Triage(settings)` stays patterns only. The model reads the
        text itself, so it works even when the embedder fails at query time."""
        self.messages = _load_messages(settings)
        self.embedder = embedder
        wanted = (embedder is not None or model is not None) if use_model is None else use_model
        self.model = (model if model is not None else load_triage_model()) if wanted else None
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
        cats, debug = pattern_categories(text)
        probs, thresholds = self._probabilities(question, text, vector)
        if probs is not None and thresholds is not None:
            debug["classifier"] = {k: round(v, 4) for k, v in probs.items()}
            debug["thresholds"] = thresholds
            if self.model is not None:
                debug["classifier_kind"] = "fine_tuned"
            flagged = model_flags(probs, thresholds, bool(debug.get("informational_dose_question")),
                                  bool(TREATMENT_ANCHOR.search(text)))
            cats |= flagged
            debug["classifier_flagged"] = sorted(flagged)
        category = first_category(cats)
        if category is not None:
            return self._decision(category, debug)
        return TriageDecision("pass", None, None, debug)

    def _probabilities(self, question: str, text: str, vector: np.ndarray | None
                       ) -> tuple[dict[str, float] | None, dict[str, float] | None]:
        if self.model is not None:
            try:
                return self.model.probabilities(text), self.model.thresholds
            except Exception:  # the model failing must not block triage: the patterns still decide
                log.warning("triage model failed; trying the linear classifier")
        if self.classifier is None or self.embedder is None:
            return None, None
        try:
            vec = vector if vector is not None else self.embedder.embed_query(question[:MAX_TRIAGE_CHARS])
            return self.classifier.probabilities(features(vec, text)), self.classifier.thresholds
        except Exception:  # the model failing must not block triage: the patterns still decide
            log.warning("triage classifier unavailable; patterns only")
            return None, None

    def _decision(self, category: str, debug: dict[str, Any]) -> TriageDecision:
        outcome = OUTCOME[category]
        return TriageDecision(outcome, category, self.messages[category], debug)  # type: ignore[arg-type]


def pattern_categories(text: str) -> tuple[set[str], dict[str, Any]]:
    """Categories the patterns find in normalized text, and the debug trail (rule hits, overrides)."""
    hits = _rule_hits(text, ALL_RULES)
    debug: dict[str, Any] = {"rules": hits}
    cats = {r.category for r in ALL_RULES if r.name in hits}
    if DISGUISE.search(text) and DOSE_WORD.search(text):
        cats.add("dosing")
        debug["disguised_request"] = True
    if "dosing" in cats and DOSE_INFORMATIONAL.search(text) and not hits.get("dose_units"):
        cats.discard("dosing")  # "how is the dose decided in general?" is answered, not refused
        debug["informational_dose_question"] = True
    return cats, debug


def model_flags(probs: dict[str, float], thresholds: dict[str, float], informational_dose: bool,
                anchored: bool) -> set[str]:
    """Classes a classifier flags: each class at its threshold, plus (with a `crisis` threshold) the likelier
    crisis class when P(self_harm) + P(medical_emergency) reaches it; an informational dose question is never
    refused for dosing, and a message that never mentions the treatment is refused only at high confidence."""
    flagged = {c for c, t in thresholds.items() if c != CRISIS_KEY and probs.get(c, 0.0) >= t}
    if CRISIS_KEY in thresholds:
        sh, me = probs.get("self_harm", 0.0), probs.get("medical_emergency", 0.0)
        if sh + me >= thresholds[CRISIS_KEY]:
            flagged.add("self_harm" if sh >= me else "medical_emergency")
    if informational_dose:
        flagged.discard("dosing")
    if not anchored:
        flagged = {c for c in flagged if c not in REFUSALS or probs.get(c, 0.0) >= UNANCHORED_REFUSAL}
    return flagged


def first_category(cats: set[str]) -> str | None:
    """The category that wins by priority (crisis first), or None for a message that passes."""
    return next((c for c in PRIORITY if c in cats), None)


def _rule_hits(text: str, rules: list[Rule]) -> dict[str, str]:
    """Rule name -> the matched text (for the debug trail)."""
    out: dict[str, str] = {}
    for rule in rules:
        m = rule.pattern.search(text)
        if m:
            out[rule.name] = m.group(0)[:80]
    return out
