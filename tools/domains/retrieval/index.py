"""``Bm25Index``: lexical search over chunks with ``bm25s``, built in memory, savable to a folder.

Each chunk is indexed as its title (the heading path), twice, followed by its text, tokenized by
``plangate.tools.domains.retrieval.tokens``: a heading names what its section is about, so its words
weigh more than the same words in passing ("NVDA risks" finds the NVDA note's Risks section before
another note's risks that mention NVDA once). Scores come from bm25s' sparse score matrix (Lucene's
BM25 variant); ranking, the source filter and tie-breaking (document order) are done here, so equal
inputs give equal rankings on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
from pydantic import TypeAdapter

from plangate.tools.domains.retrieval.citation import cite
from plangate.tools.domains.retrieval.models import Chunk, SearchHit, document_id
from plangate.tools.domains.retrieval.tokens import query_terms, tokenize
from plangate.tools.errors import UsageError

TITLE_WEIGHT = 2
"""How many times a chunk's heading path is indexed (a poor man's field boost)."""
_CHUNKS_FILE = "chunks.json"
_CHUNKS = TypeAdapter(list[Chunk])


def index_text(chunk: Chunk) -> str:
    """What is indexed for a chunk: its heading path ``TITLE_WEIGHT`` times, then its text."""
    return "\n".join([chunk.title] * TITLE_WEIGHT + [chunk.text])


def source_matches(source: str, wanted: str) -> bool:
    """Whether a source filter entry selects ``source``.

    An entry selects a file by its path (``research/nvda.md``) or its document id
    (``research/nvda``), or a whole folder (``research`` or ``research/``).
    """
    entry = wanted.strip().strip("/")
    return bool(entry) and (
        source == entry or document_id(source) == entry or source.startswith(f"{entry}/")
    )


class Bm25Index:
    """A BM25 index over a fixed list of chunks.

    Build one with ``Bm25Index.build(chunks)`` or ``Bm25Index.load(folder)``.

    Attributes:
        chunks: the indexed chunks; a ranking refers to them by position.
    """

    def __init__(self, chunks: Sequence[Chunk], model: Any | None) -> None:
        self.chunks: tuple[Chunk, ...] = tuple(chunks)
        self._model = model  # a bm25s.BM25, or None when no chunk has a single term

    @classmethod
    def build(cls, chunks: Sequence[Chunk], *, k1: float = 1.5, b: float = 0.75) -> Bm25Index:
        """Index ``chunks`` (BM25 parameters ``k1`` and ``b``)."""
        corpus = [tokenize(index_text(chunk)) for chunk in chunks]
        if not any(corpus):
            # bm25s cannot build a vocabulary from nothing; such an index matches nothing.
            return cls(chunks, None)
        model = bm25s.BM25(k1=k1, b=b, method="lucene", backend="numpy", csc_backend="numpy")
        model.index(corpus, show_progress=False)
        return cls(chunks, model)

    def __len__(self) -> int:
        return len(self.chunks)

    def rank(
        self, terms: Sequence[str], limit: int, allowed: Sequence[bool] | None = None
    ) -> list[tuple[int, float]]:
        """The best ``limit`` chunks for ``terms`` as ``(position, score)``, best first.

        Args:
            terms: query terms, as ``tokens.query_terms`` makes them.
            limit: how many to return at most.
            allowed: per chunk, whether it may be returned (the source filter).

        Only chunks sharing at least one term with the query are returned; ties keep
        document order.
        """
        if self._model is None or limit <= 0:
            return []
        known = [term for term in terms if term in self._model.vocab_dict and term]
        if not known:
            return []
        scores = np.asarray(self._model.get_scores(known), dtype=np.float64)
        if allowed is not None:
            scores = np.where(np.asarray(allowed, dtype=bool), scores, 0.0)
        candidates = np.flatnonzero(scores > 0.0)
        # A stable sort on -score keeps document order among equal scores.
        order = candidates[np.argsort(-scores[candidates], kind="stable")][:limit]
        return [(int(pos), float(scores[pos])) for pos in order]

    def allowed(self, sources: Sequence[str] | None) -> list[bool] | None:
        """The mask ``rank`` takes for a source filter (``None``: everything)."""
        if not sources:
            return None
        return [any(source_matches(c.source, s) for s in sources) for c in self.chunks]

    def search(self, query: str, k: int, sources: Sequence[str] | None = None) -> list[SearchHit]:
        """The best ``k`` hits for ``query``, with citations (no validation: see ``check_query``)."""
        terms = query_terms(query)
        return [
            SearchHit(
                chunk=self.chunks[pos],
                score=round(score, 6),
                citation=cite(self.chunks[pos], terms),
            )
            for pos, score in self.rank(terms, k, self.allowed(sources))
        ]

    def save(self, folder: Path) -> None:
        """Write the index to ``folder`` (created if needed), for ``Bm25Index.load``."""
        folder.mkdir(parents=True, exist_ok=True)
        if self._model is not None:
            self._model.save(str(folder), show_progress=False)
        (folder / _CHUNKS_FILE).write_bytes(_CHUNKS.dump_json(list(self.chunks)))

    @classmethod
    def load(cls, folder: Path) -> Bm25Index:
        """Read an index written by ``save``.

        Raises:
            UsageError: ``folder`` holds no saved index, or its parts disagree.
        """
        chunks_path = folder / _CHUNKS_FILE
        if not chunks_path.is_file():
            raise UsageError(
                f"{str(folder)!r} holds no saved retrieval index ({_CHUNKS_FILE} is missing): "
                "build one and call save(folder) first"
            )
        chunks = _CHUNKS.validate_json(chunks_path.read_bytes())
        if not (folder / "params.index.json").is_file():
            return cls(chunks, None)
        model = bm25s.BM25.load(str(folder), load_vocab=True, show_progress=False)
        if model.scores["num_docs"] != len(chunks):
            raise UsageError(
                f"the index in {str(folder)!r} covers {model.scores['num_docs']} chunks but "
                f"{_CHUNKS_FILE} lists {len(chunks)}: save the index again"
            )
        return cls(chunks, model)
