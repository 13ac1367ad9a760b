"""Protocols the pipeline depends on; adapters implement them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalized vectors."""

    @property
    def fingerprint(self) -> str:
        """Identifies the model, so a model change rebuilds the index."""
        ...

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        ...

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed documents/passages."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """Embed one query; returns a 1-D vector."""
        ...
