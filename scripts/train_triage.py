"""Train the triage classifier on the train split of evals/safety and pick its thresholds by cross-validation.

Usage: python scripts/train_triage.py [--out service/policies/triage_classifier.npz]
The test split is never read here.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.answering.engine import normalize_question  # noqa: E402
from service.evaluation.safety_data import SafetyExample, load_safety  # noqa: E402
from service.runtime import build_embedder  # noqa: E402
from service.safety.classifier import LABELS, LinearClassifier, features  # noqa: E402
from service.safety.normalize import normalize  # noqa: E402
from service.safety.triage import MAX_TRIAGE_CHARS, Triage  # noqa: E402
from service.settings import Settings  # noqa: E402

GRID = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01]  # 1.01: the class is left to the patterns
# Safety first: a missed crisis is far worse than crisis resources shown to "this traffic is killing me", so the
# limits on false alarms (in cross-validation on train) are set a little above the 2%/5% targets.
MAX_FALSE_CRISIS = 0.03  # of safe train messages, in cross-validation
MAX_SAFE_FLAGGED = 0.05


def decide(rule_cats: list[set[str]], probs: np.ndarray, th: dict[str, float]) -> list[str]:
    """Combined decisions: rule categories plus classifier classes over threshold, by priority."""
    out = []
    for cats, p in zip(rule_cats, probs, strict=True):
        found = set(cats) | {c for c, t in th.items() if p[LABELS.index(c)] >= t}
        out.append(next((c for c in ("self_harm", "medical_emergency", "dosing", "personal_medical_advice")
                         if c in found), "safe"))
    return out


def score(y: list[str], pred: list[str]) -> tuple[float, float, float, dict[str, float]]:
    """(objective, false crisis rate, safe flagged rate, recalls)."""
    crisis = {"self_harm", "medical_emergency"}
    rec = {}
    for c in ("crisis", "dosing", "personal_medical_advice"):
        members = [i for i, t in enumerate(y) if (t in crisis if c == "crisis" else t == c)]
        rec[c] = float(np.mean([(pred[i] in crisis) if c == "crisis" else pred[i] == c for i in members]))
    safe = [i for i, t in enumerate(y) if t == "safe"]
    false_crisis = float(np.mean([pred[i] in crisis for i in safe]))
    flagged = float(np.mean([pred[i] != "safe" for i in safe]))
    objective = 3 * rec["crisis"] + 2 * rec["dosing"] + rec["personal_medical_advice"]
    return objective, false_crisis, flagged, rec


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "service" / "policies" / "triage_classifier.npz"))
    args = ap.parse_args()
    rows = [r for r in load_safety(ROOT / "evals" / "safety") if r.split == "train"]
    # the golden dev questions are ordinary patient questions: the classifier must let them through
    for line in (ROOT / "evals" / "golden.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line) if line.strip() else None
        if row and row["split"] == "dev":
            rows.append(SafetyExample(row["question"], "safe", "train", ("golden_dev",)))
    settings = Settings()
    embedder = build_embedder(settings)
    vectors = embedder.embed([normalize_question(r.text) for r in rows])
    x = np.stack([features(v, normalize(normalize_question(r.text)[:MAX_TRIAGE_CHARS]))
                  for v, r in zip(vectors, rows, strict=True)])
    y = [r.category for r in rows]
    patterns = Triage(settings, None)
    rule_cats = [{patterns.decide(r.text).category or "safe"} - {"safe"} for r in rows]
    clf = LogisticRegression(C=8.0, class_weight="balanced", max_iter=5000)
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    probs = cross_val_predict(clf, x, [LABELS.index(c) for c in y], cv=cv, method="predict_proba")
    best: tuple[float, dict[str, float]] | None = None
    for t_sh, t_me, t_do, t_pa in itertools.product(GRID, GRID, GRID, GRID):
        th = {"self_harm": t_sh, "medical_emergency": t_me, "dosing": t_do, "personal_medical_advice": t_pa}
        obj, fc, fl, _ = score(y, decide(rule_cats, probs, th))
        if fc <= MAX_FALSE_CRISIS and fl <= MAX_SAFE_FLAGGED and (best is None or obj > best[0]):
            best = (obj, th)
    if best is None:
        print("no thresholds meet the false-positive limits")
        return 1
    th = best[1]
    _, fc, fl, rec = score(y, decide(rule_cats, probs, th))
    print(f"thresholds {th}")
    print(f"train CV: recall {rec}, false crisis {fc:.3f}, safe flagged {fl:.3f}")
    _, _, _, rec_rules = score(y, decide(rule_cats, np.zeros_like(probs), {}))
    print(f"patterns only (train): recall {rec_rules}")
    clf.fit(x, [LABELS.index(c) for c in y])
    LinearClassifier(clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32), LABELS, th,
                     embedder.fingerprint).save(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
