"""The fine-tuned MiniLM triage model, run with onnxruntime + tokenizers (trained by scripts/train_triage_model.py).

Serving needs only numpy, onnxruntime and tokenizers: no torch, and no sentence embedding, because the model reads
the normalized message text itself.
"""

from __future__ import annotations

import json
import logging
import os
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

log = logging.getLogger(__name__)
MODEL_FILE = "triage_model.onnx"
CONFIG_FILE = "triage_model.json"


class TriageModel:
    """Softmax over a fine-tuned MiniLM's 5-class logits, with per-class (and combined crisis) thresholds."""

    def __init__(self, model_path: str, config: dict[str, Any], tokenizer_path: str) -> None:
        self.labels: tuple[str, ...] = tuple(config["labels"])
        self._thresholds = {str(k): float(v) for k, v in config["thresholds"].items()}
        self.max_length = int(config["max_length"])
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, min(2, os.cpu_count() or 1))
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self._session = ort.InferenceSession(model_path, opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tok = Tokenizer.from_file(tokenizer_path)
        self._tok.no_padding()
        self._tok.enable_truncation(self.max_length)

    @property
    def thresholds(self) -> dict[str, float]:
        """Per-class probability thresholds; `crisis` applies to P(self_harm) + P(medical_emergency)."""
        return dict(self._thresholds)

    def probabilities(self, normalized_text: str) -> dict[str, float]:
        """Class probabilities for one message, already passed through safety.normalize."""
        enc = self._tok.encode(normalized_text)
        ids = np.array([enc.ids], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
                "token_type_ids": np.zeros_like(ids)}
        logits = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0][0]
        logits = logits.astype(np.float64) - float(np.max(logits))
        p = np.exp(logits)
        p = p / p.sum()
        return {label: float(v) for label, v in zip(self.labels, p, strict=True)}


@lru_cache(maxsize=1)
def load_triage_model() -> TriageModel | None:
    """The packaged triage model (loaded once per process), or None when its files are absent or broken."""
    root = resources.files("service.policies")
    model_ref, config_ref = root.joinpath(MODEL_FILE), root.joinpath(CONFIG_FILE)
    if not model_ref.is_file() or not config_ref.is_file():
        return None
    try:
        config = json.loads(config_ref.read_text("utf-8"))
        tok_ref = root.joinpath(str(config["tokenizer"]))
        with resources.as_file(model_ref) as model_path, resources.as_file(tok_ref) as tok_path:
            return TriageModel(str(model_path), config, str(tok_path))
    except Exception:  # a broken artifact must not take triage down: the fallback still decides
        log.exception("triage model could not be loaded")
        return None
