"""ONNX Runtime embedder: the same MiniLM weights exported once from torch, about 3x faster per query.

The `sentence-transformers[onnx]` extra would pull optimum and downgrade transformers, so the model
is exported here with torch.onnx and run with onnxruntime + tokenizers. The export is cached in the
data dir and checked against torch (cosine >= 0.999) before it is used.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from .._exceptions import ConfigError
from ..domain.protocols import Vectors
from .st_embedder import SentenceTransformerEmbedder, empty_vectors, model_fingerprint

log = logging.getLogger(__name__)
MIN_COSINE = 0.999
_CHECK_TEXTS = [
    "What are the common side effects of oral ketamine?",
    "Dissociation is a temporary change in perception.",
    "how long does it take to work",
    "The 988 Suicide & Crisis Lifeline is available 24 hours a day.",
]


INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def export_positional(module: Any, path: Path, output: str, output_axes: dict[int, str]) -> None:
    """Export a module taking (input_ids, attention_mask, token_type_ids) with dynamic batch and length.

    The TorchScript exporter (dynamo=False) traces positional inputs cleanly; shared with the triage
    model's training script so both exports stay alike.
    """
    import torch

    dummy = (torch.ones(1, 8, dtype=torch.long), torch.ones(1, 8, dtype=torch.long),
             torch.zeros(1, 8, dtype=torch.long))
    axes = {0: "batch", 1: "seq"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent branches we do not use
        torch.onnx.export(module.eval(), dummy, str(path), input_names=INPUTS, output_names=[output],
                          dynamic_axes={**{k: axes for k in INPUTS}, output: output_axes}, opset_version=17,
                          dynamo=False)


def _export(model_path: str, target: Path) -> Path:
    """Export the encoder to a temporary file beside the target."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    bert = AutoModel.from_pretrained(model_path).eval()

    class Encoder(torch.nn.Module):
        """The hidden states only, for mean pooling in numpy."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    tmp = target.with_suffix(f".tmp{os.getpid()}")
    export_positional(Encoder(), tmp, "last_hidden_state", {0: "batch", 1: "seq"})
    return tmp


class OnnxEmbedder:
    """Mean-pooled, L2-normalized MiniLM embeddings from onnxruntime on the CPU."""

    def __init__(self, model_path: str, batch_size: int = 64, cache_dir: str = "data/models",
                 max_length: int = 256) -> None:
        self._fp = model_fingerprint(model_path)
        target = Path(cache_dir) / f"minilm-{self._fp}.onnx"
        target.parent.mkdir(parents=True, exist_ok=True)
        fresh = None if target.exists() else _export(model_path, target)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, min(2, os.cpu_count() or 1))
        opts.log_severity_level = 3
        self._session = ort.InferenceSession(str(fresh or target), opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tok = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        self._tok.enable_truncation(max_length)
        self._tok.enable_padding(pad_id=0, pad_token="[PAD]")
        self._batch = batch_size
        self._dim = int(self._run(["x"]).shape[1])
        if fresh is not None:
            cosine = matches_torch(self, SentenceTransformerEmbedder(model_path))
            if cosine < MIN_COSINE:
                fresh.unlink(missing_ok=True)
                raise ConfigError(f"ONNX export differs from torch (cosine {cosine:.5f} < {MIN_COSINE})")
            fresh.replace(target)  # atomic, and only once verified: a loader never sees a bad file

    @property
    def fingerprint(self) -> str:
        return self._fp

    @property
    def dimension(self) -> int:
        return self._dim

    def _run(self, texts: list[str]) -> Vectors:
        enc = self._tok.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return empty_vectors(self._dim)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        parts = []
        for i in range(0, len(order), self._batch):
            parts.append(self._run([texts[j] for j in order[i:i + self._batch]]))
        out = np.concatenate(parts)
        result = np.empty_like(out)
        result[order] = out
        return result

    def embed_query(self, text: str) -> Vectors:
        return self._run([text])[0]


def matches_torch(onnx: OnnxEmbedder, torch_embedder: SentenceTransformerEmbedder) -> float:
    """The lowest cosine between ONNX and torch vectors on a few texts."""
    a, b = onnx.embed(_CHECK_TEXTS), torch_embedder.embed(_CHECK_TEXTS)
    return float(np.min(np.sum(a * b, axis=1)))
