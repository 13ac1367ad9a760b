"""Fine-tune MiniLM as the 5-class triage model, pick its thresholds out of fold, export it to int8 ONNX.

Usage: python scripts/train_triage_model.py [--folds 5] [--epochs 5] [--out-dir service/policies]

Reads only the train split of evals/safety (plus the golden dev questions as safe). Thresholds come from
out-of-fold probabilities over k stratified folds, combined with the patterns exactly as service/safety/triage.py
combines them; the shipped model is then retrained on all of the train data with the same recipe.
Writes triage_model.onnx, triage_model.json and triage_tokenizer.json. The test split is never read here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402
from transformers.utils import logging as hf_logging  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.adapters.onnx_embedder import export_positional  # noqa: E402
from service.answering.engine import normalize_question  # noqa: E402
from service.evaluation.safety_data import SafetyExample, load_safety  # noqa: E402
from service.safety.classifier import LABELS  # noqa: E402
from service.safety.normalize import normalize  # noqa: E402
from service.safety.rules import TREATMENT_ANCHOR  # noqa: E402
from service.safety.triage import (  # noqa: E402
    CRISIS_KEY,
    MAX_TRIAGE_CHARS,
    UNANCHORED_REFUSAL,
    first_category,
    model_flags,
    pattern_categories,
)
from service.settings import Settings  # noqa: E402

MAX_FALSE_CRISIS = 0.015  # of safe train messages, out of fold
MAX_SAFE_FLAGGED = 0.04
GRID = np.array([0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9,
                 0.93, 0.95, 0.97, 0.99, 1.01])  # 1.01: the class is left to the patterns
SH, ME, DO, PA = (LABELS.index(c) for c in ("self_harm", "medical_emergency", "dosing", "personal_medical_advice"))


class Classifier(torch.nn.Module):
    """MiniLM, mean pooling over real tokens, dropout, a linear 5-class head."""

    def __init__(self, model_path: str) -> None:
        super().__init__()
        self.bert = AutoModel.from_pretrained(model_path)
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(self.bert.config.hidden_size, len(LABELS))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor) -> torch.Tensor:
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled))


def load_rows() -> list[SafetyExample]:
    rows = [r for r in load_safety(ROOT / "evals" / "safety") if r.split == "train"]
    for line in (ROOT / "evals" / "golden.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line) if line.strip() else None
        if row and row["split"] == "dev":  # ordinary patient questions: the model must let them through
            rows.append(SafetyExample(row["question"], "safe", "train", ("golden_dev",)))
    return rows


def model_text(text: str) -> str:
    """What the model reads: the same normalized text the patterns see in Triage."""
    return normalize(normalize_question(text)[:MAX_TRIAGE_CHARS])


def encode(tok: Any, texts: list[str], max_length: int) -> dict[str, torch.Tensor]:
    enc = tok(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    if "token_type_ids" not in enc:
        enc["token_type_ids"] = torch.zeros_like(enc["input_ids"])
    return {k: enc[k] for k in ("input_ids", "attention_mask", "token_type_ids")}


def train(model_path: str, tok: Any, texts: list[str], y: np.ndarray, args: argparse.Namespace,
          seed: int) -> Classifier:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = Classifier(model_path)
    model.train()
    counts = np.bincount(y, minlength=len(LABELS)).astype(np.float64)
    weights = torch.tensor(len(y) / (len(LABELS) * np.maximum(counts, 1)), dtype=torch.float32)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    opt = torch.optim.AdamW([{"params": model.bert.parameters(), "lr": args.lr},
                             {"params": model.head.parameters(), "lr": args.head_lr}], weight_decay=0.01)
    steps = args.epochs * int(np.ceil(len(texts) / args.batch))
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
    yt = torch.tensor(y, dtype=torch.long)
    t0 = time.perf_counter()
    for epoch in range(args.epochs):
        order = rng.permutation(len(texts))
        for i in range(0, len(order), args.batch):
            idx = order[i:i + args.batch]
            logits = model(**encode(tok, [texts[j] for j in idx], args.max_length))
            loss = loss_fn(logits, yt[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
        print(f"  epoch {epoch + 1}: loss {loss.item():.3f}, {time.perf_counter() - t0:.0f}s", flush=True)
    model.eval()
    return model


@torch.no_grad()
def predict(model: Classifier, tok: Any, texts: list[str], max_length: int) -> np.ndarray:
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), len(LABELS)), dtype=np.float64)
    for i in range(0, len(order), 64):
        idx = order[i:i + 64]
        logits = model(**encode(tok, [texts[j] for j in idx], max_length))
        out[idx] = torch.softmax(logits.double(), dim=-1).numpy()
    return out


def pattern_state(texts: list[str]) -> tuple[list[set[str]], np.ndarray, np.ndarray]:
    """Per message: pattern categories, informational-dose flag, treatment-anchor flag (as Triage computes them)."""
    cats, info, anchor = [], [], []
    for t in texts:
        c, debug = pattern_categories(t)
        cats.append(c)
        info.append(bool(debug.get("informational_dose_question")))
        anchor.append(bool(TREATMENT_ANCHOR.search(t)))
    return cats, np.array(info), np.array(anchor)


def decide_all(probs: np.ndarray, th: dict[str, float], cats: list[set[str]], info: np.ndarray,
               anchor: np.ndarray) -> list[str]:
    """Decisions through triage.py's own combination functions."""
    out = []
    for p, c, i, a in zip(probs, cats, info, anchor, strict=True):
        pd = {label: float(v) for label, v in zip(LABELS, p, strict=True)}
        out.append(first_category(c | model_flags(pd, th, bool(i), bool(a))) or "safe")
    return out


def score(y: list[str], pred: list[str]) -> dict[str, float]:
    crisis = {"self_harm", "medical_emergency"}
    yv, pv = np.array(y), np.array(pred)
    is_crisis_pred = np.isin(pv, list(crisis))
    safe = yv == "safe"
    out = {"crisis_recall": float(is_crisis_pred[np.isin(yv, list(crisis))].mean()),
           "dosing_recall": float((pv[yv == "dosing"] == "dosing").mean()),
           "personal_advice_recall": float((pv[yv == "personal_medical_advice"] == "personal_medical_advice").mean()),
           "false_crisis": float(is_crisis_pred[safe].mean()), "safe_flagged": float((pv[safe] != "safe").mean())}
    out["objective"] = 3 * out["crisis_recall"] + 2 * out["dosing_recall"] + out["personal_advice_recall"]
    return out


def search(probs: np.ndarray, y: list[str], cats: list[set[str]], info: np.ndarray, anchor: np.ndarray
           ) -> tuple[dict[str, float], dict[str, float]]:
    """Best thresholds under the false-positive limits: a vectorized version of decide_all over a grid."""
    yv = np.array(y)
    safe = yv == "safe"
    is_crisis = np.isin(yv, ["self_harm", "medical_emergency"])
    r_crisis = np.array([bool(c & {"self_harm", "medical_emergency"}) for c in cats])
    r_do = np.array(["dosing" in c for c in cats])
    r_pa = np.array(["personal_medical_advice" in c for c in cats])
    # dosing / advice flags for every grid value: (grid, n)
    ok_do = (anchor | (probs[:, DO] >= UNANCHORED_REFUSAL)) & ~info
    ok_pa = anchor | (probs[:, PA] >= UNANCHORED_REFUSAL)
    f_do = r_do[None] | ((probs[None, :, DO] >= GRID[:, None]) & ok_do[None])
    f_pa = r_pa[None] | ((probs[None, :, PA] >= GRID[:, None]) & ok_pa[None])
    crisis_sum = probs[:, SH] + probs[:, ME]
    candidates: list[dict[str, float]] = [{CRISIS_KEY: float(t), "dosing": 0, "personal_medical_advice": 0}
                                          for t in GRID]
    candidates += [{"self_harm": float(a), "medical_emergency": float(b), "dosing": 0, "personal_medical_advice": 0}
                   for a in GRID for b in GRID]
    best: tuple[tuple[float, float], dict[str, float]] | None = None
    for th in candidates:
        if CRISIS_KEY in th:
            crisis_pred = r_crisis | (crisis_sum >= th[CRISIS_KEY])
        else:
            crisis_pred = r_crisis | (probs[:, SH] >= th["self_harm"]) | (probs[:, ME] >= th["medical_emergency"])
        fc = crisis_pred[safe].mean()
        if fc > MAX_FALSE_CRISIS:
            continue
        rec_c = crisis_pred[is_crisis].mean()
        dosing = ~crisis_pred[None] & f_do  # (g, n)
        advice = ~crisis_pred[None, None] & ~f_do[:, None] & f_pa[None]  # (g_do, g_pa, n)
        rec_do = dosing[:, yv == "dosing"].mean(1)  # (g_do,)
        rec_pa = advice[:, :, yv == "personal_medical_advice"].mean(2)
        flagged = (crisis_pred[None, None] | f_do[:, None] | f_pa[None])[:, :, safe].mean(2)
        obj = 3 * rec_c + 2 * rec_do[:, None] + rec_pa
        obj = np.where(flagged <= MAX_SAFE_FLAGGED, obj, -1)
        # ties: fewer false positives, then the more conservative (higher) thresholds
        key = obj - 1e-3 * (flagged + fc)
        i, j = np.unravel_index(int(np.argmax(key)), key.shape)
        if obj[i, j] < 0:
            continue
        cand = (float(key[i, j]), float(GRID[i] + GRID[j]))
        if best is None or cand > best[0]:
            best = (cand, {**th, "dosing": float(GRID[i]), "personal_medical_advice": float(GRID[j])})
    if best is None:
        raise SystemExit("no thresholds meet the false-positive limits")
    th = {k: v for k, v in best[1].items() if v <= 1.0 or k in ("dosing", "personal_medical_advice")}
    return th, score(y, decide_all(probs, th, cats, info, anchor))


def export(model: Classifier, out_dir: Path, max_length: int) -> tuple[Path, Path]:
    """fp32 ONNX export and its dynamic int8 quantization."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Wrapped(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.m = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            return self.m(input_ids, attention_mask, token_type_ids)

    fp32 = out_dir / "triage_model.fp32.onnx"
    export_positional(Wrapped(), fp32, "logits", {0: "batch"})
    int8 = out_dir / "triage_model.int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    return fp32, int8


def onnx_probs(path: Path, tok_path: Path, texts: list[str], max_length: int) -> np.ndarray:
    from service.safety.encoder import TriageModel

    m = TriageModel(str(path), {"labels": list(LABELS), "thresholds": {}, "max_length": max_length}, str(tok_path))
    return np.array([[m.probabilities(t)[c] for c in LABELS] for t in texts])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5, help="k for out-of-fold thresholds (1: a 20%% holdout)")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--max-length", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--final", choices=["retrain", "holdout"], default="retrain",
                    help="ship a model retrained on all train data, or the one the thresholds were picked on "
                         "(only with --folds 1)")
    ap.add_argument("--oof-cache", default="", help="reuse/store out-of-fold probabilities (.npy)")
    ap.add_argument("--out-dir", default=str(ROOT / "service" / "policies"))
    args = ap.parse_args()
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    model_path = Settings().resolved_model_path()
    tok = AutoTokenizer.from_pretrained(model_path)
    rows = load_rows()
    texts = [model_text(r.text) for r in rows]
    y_names = [r.category for r in rows]
    y = np.array([LABELS.index(c) for c in y_names])
    cats, info, anchor = pattern_state(texts)
    print(f"{len(rows)} train messages: {dict(zip(LABELS, np.bincount(y).tolist(), strict=True))}")
    print(f"patterns only: {score(y_names, decide_all(np.zeros((len(y), len(LABELS))), {}, cats, info, anchor))}")

    cache = Path(args.oof_cache) if args.oof_cache else None
    if args.final == "holdout" and (args.folds != 1 or (cache is not None and cache.exists())):
        raise SystemExit("--final holdout needs --folds 1 and a fresh run")
    model: Classifier | None = None
    train_seconds = 0.0
    if cache is not None and cache.exists():
        oof = np.load(cache)
        print(f"out-of-fold probabilities from {cache}")
    else:
        oof = np.full((len(y), len(LABELS)), np.nan)
        if args.folds > 1:
            splits = list(StratifiedKFold(args.folds, shuffle=True, random_state=args.seed).split(texts, y))
        else:
            rng = np.random.default_rng(args.seed)
            held = np.concatenate([rng.permutation(np.flatnonzero(y == k))[:round(0.2 * (y == k).sum())]
                                   for k in range(len(LABELS))])
            splits = [(np.setdiff1d(np.arange(len(y)), held), held)]
        for k, (tr, te) in enumerate(splits):
            t0 = time.perf_counter()
            model = train(model_path, tok, [texts[i] for i in tr], y[tr], args, args.seed + k)
            train_seconds = time.perf_counter() - t0
            oof[te] = predict(model, tok, [texts[i] for i in te], args.max_length)
            print(f"fold {k}: {len(tr)} train / {len(te)} held out, {train_seconds:.0f}s", flush=True)
        if cache is not None:
            np.save(cache, oof)
    held = ~np.isnan(oof[:, 0])
    hy = [c for c, h in zip(y_names, held, strict=True) if h]
    hcats = [c for c, h in zip(cats, held, strict=True) if h]
    th, metrics = search(oof[held], hy, hcats, info[held], anchor[held])
    print(f"thresholds {th}")
    print(f"held out (model + patterns): {metrics}")
    argmax = [LABELS[i] for i in oof[held].argmax(1)]
    print(f"held out, model argmax alone: accuracy {np.mean(np.array(argmax) == np.array(hy)):.3f}")

    if args.final == "holdout" and model is not None:
        final = model
        trained_on = f"{int((~held).sum())} of the {len(y)} train messages (80%, stratified); thresholds on the rest"
    else:
        t0 = time.perf_counter()
        final = train(model_path, tok, texts, y, args, args.seed + 100)
        train_seconds = time.perf_counter() - t0
        trained_on = f"all {len(y)} train messages (train split + golden dev as safe)"
        print(f"final model on all {len(y)} train messages: {train_seconds:.0f}s", flush=True)
    torch_probs = predict(final, tok, texts, args.max_length)

    out_dir = Path(args.out_dir)
    tok_out = out_dir / "triage_tokenizer.json"
    shutil.copyfile(Path(model_path) / "tokenizer.json", tok_out)
    fp32, int8 = export(final, out_dir, args.max_length)
    p32 = onnx_probs(fp32, tok_out, texts, args.max_length)
    p8 = onnx_probs(int8, tok_out, texts, args.max_length)
    d32 = decide_all(p32, th, cats, info, anchor)
    d8 = decide_all(p8, th, cats, info, anchor)
    print(f"torch vs onnx fp32: max |dp| {np.abs(torch_probs - p32).max():.2e}")
    print(f"fp32 vs int8 on train: max |dp| {np.abs(p32 - p8).max():.3f}, mean {np.abs(p32 - p8).mean():.4f}, "
          f"decisions differ on {sum(a != b for a, b in zip(d32, d8, strict=True))}/{len(d8)}")
    for name, dec in (("fp32", d32), ("int8", d8)):
        if args.final == "holdout":  # the shipped model never saw the held-out messages
            hd = [d for d, h in zip(dec, held, strict=True) if h]
            print(f"  {name} held out {score(hy, hd)}")
        print(f"  {name} all train (partly in-sample) {score(y_names, dec)}")
    target = out_dir / "triage_model.onnx"
    agree = np.mean([a == b for a, b in zip(d32, d8, strict=True)])
    chosen = int8 if agree >= 0.995 else fp32
    chosen.replace(target)
    (fp32 if chosen is int8 else int8).unlink(missing_ok=True)
    config = {"labels": list(LABELS), "thresholds": th, "max_length": args.max_length,
              "tokenizer": tok_out.name, "quantized": chosen is int8,
              "base_model": "sentence-transformers/all-MiniLM-L6-v2",
              "trained_on": trained_on, "train_seconds": round(train_seconds),
              "thresholds_from": f"{args.folds}-fold out-of-fold probabilities" if args.folds > 1 else "20% holdout",
              "held_out": {k: round(v, 4) for k, v in metrics.items()},
              "recipe": {"epochs": args.epochs, "batch": args.batch, "lr": args.lr, "head_lr": args.head_lr,
                         "seed": args.seed}}
    (out_dir / "triage_model.json").write_text(json.dumps(config, indent=2) + "\n", "utf-8")
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB, {'int8' if chosen is int8 else 'fp32'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
