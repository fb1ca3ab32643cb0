"""Reciprocal rank fusion, and the hybrid (BM25 + dense) path with a tiny deterministic encoder.

The real all-MiniLM-L6-v2 model is tested in ``test_retrieval_dense_model.py``, skipped when the
``embeddings`` extra is not installed; everything here runs everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from plangate.tools.domains.retrieval import dense, sandbox
from plangate.tools.domains.retrieval.dense import DenseUnavailableWarning, MiniLmEncoder
from plangate.tools.domains.retrieval.engine import SearchEngine
from plangate.tools.domains.retrieval.fusion import RRF_K, reciprocal_rank_fusion
from plangate.tools.domains.retrieval.sandbox import SandboxRetrievalBackend
from plangate.tools.domains.retrieval.tokens import tokenize
from plangate.tools.errors import UsageError

# -- reciprocal rank fusion -----------------------------------------------------------------------


def test_one_ranking_keeps_its_order_with_reciprocal_scores() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"]])
    assert fused == [("a", 1 / 61), ("b", 1 / 62), ("c", 1 / 63)]


def test_agreement_beats_a_single_first_place() -> None:
    # "b" is second in both rankings; "a" and "d" are each first in only one.
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["d", "b", "a"]])
    assert [item for item, _ in fused] == ["a", "b", "d", "c"]
    scores = dict(fused)
    assert scores["a"] == pytest.approx(1 / 61 + 1 / 63)
    assert scores["b"] == pytest.approx(2 / 62)
    assert scores["d"] == pytest.approx(1 / 61)


def test_ties_go_to_the_best_rank_then_first_appearance() -> None:
    assert [i for i, _ in reciprocal_rank_fusion([["x", "y"], ["y", "x"]])] == ["x", "y"]
    assert [i for i, _ in reciprocal_rank_fusion([["p"], ["q"]])] == ["p", "q"]


def test_repeats_within_a_ranking_count_once_and_limit_cuts() -> None:
    assert reciprocal_rank_fusion([["a", "a", "b"]], k=1) == [("a", 0.5), ("b", 1 / 4)]
    assert reciprocal_rank_fusion([["a", "b", "c"], []], limit=2) == [
        ("a", 1 / 61),
        ("b", 1 / 62),
    ]
    assert reciprocal_rank_fusion([]) == []


@pytest.mark.parametrize(("k", "limit"), [(0, None), (60, -1)])
def test_bad_parameters_are_refused(k: int, limit: int | None) -> None:
    with pytest.raises(UsageError, match="reciprocal_rank_fusion"):
        reciprocal_rank_fusion([["a"]], k=k, limit=limit)


RANKING = st.lists(st.sampled_from("abcdefgh"), max_size=8, unique=True)


@given(st.lists(RANKING, max_size=4))
def test_fused_scores_follow_the_formula_and_are_sorted(rankings: list[list[str]]) -> None:
    fused = reciprocal_rank_fusion(rankings)
    expected = {
        item: sum(1 / (RRF_K + r.index(item) + 1) for r in rankings if item in r)
        for r in rankings
        for item in r
    }
    assert dict(fused) == pytest.approx(expected)
    assert len(fused) == len(expected)
    scores = [score for _, score in fused]
    assert scores == sorted(scores, reverse=True)


# -- the hybrid path with a fake encoder ----------------------------------------------------------

CONCEPTS: dict[str, int] = {
    "tip": 0, "tipping": 0, "gratuity": 0, "service": 0,
    "business": 1, "cabin": 1, "seat": 1, "class": 1,
    "hotel": 2, "room": 2, "night": 2, "stay": 2,
}  # fmt: skip


class ConceptEncoder:
    """Embeds a text as counts of a few concepts: synonyms land on the same axis."""

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.calls += 1
        out = np.full((len(texts), 4), 0.01, dtype=np.float32)  # axis 3: "anything else"
        for row, text in enumerate(texts):
            for word in tokenize(text):
                out[row, CONCEPTS.get(word, 3)] += 1.0
        return out


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    files = {
        "policy.md": "# Policy\n\nBusiness class cabin only on flights over six hours.\n",
        "hotels.md": "# Hotels\n\nThe nightly room cap applies to every stay.\n",
        "tokyo.md": "# Tokyo\n\nTipping is not practised; service is included.\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_dense_retrieval_finds_what_words_alone_miss(corpus: Path) -> None:
    lexical = SearchEngine.from_folder(corpus)
    hybrid = SearchEngine.from_folder(corpus, encoder=ConceptEncoder())
    assert (lexical.mode, hybrid.mode) == ("bm25", "hybrid")
    assert lexical.search("gratuity", k=3) == []  # the word is in no document
    best = hybrid.search("gratuity", k=3)[0]
    assert best.chunk.source == "tokyo.md"
    assert best.score == pytest.approx(1 / 61, abs=1e-6)  # first in the dense ranking only


def test_fusion_rewards_agreement_and_respects_the_source_filter(corpus: Path) -> None:
    hybrid = SearchEngine.from_folder(corpus, encoder=ConceptEncoder())
    hits = hybrid.search("business class", k=3)
    assert hits[0].chunk.source == "policy.md"
    assert hits[0].score == pytest.approx(2 / 61, abs=1e-6)  # first in both rankings
    assert [h.chunk.source for h in hybrid.search("gratuity", k=3, sources=["hotels.md"])] == [
        "hotels.md"
    ]
    assert hybrid.audit() == []


def test_an_encoder_with_the_wrong_shape_is_reported(corpus: Path) -> None:
    class Flat:
        def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
            return np.zeros(len(texts), dtype=np.float32)

    with pytest.raises(UsageError, match=r"shape \(3,\) for 3 texts"):
        SearchEngine.from_folder(corpus, encoder=Flat())


async def test_the_sandbox_runs_hybrid_with_a_given_encoder(corpus: Path) -> None:
    encoder = ConceptEncoder()
    backend = SandboxRetrievalBackend(corpus, dense=True, encoder=encoder)
    assert backend.mode == "hybrid"
    assert encoder.calls == 0
    hits = await backend.search("gratuity", 1)
    assert hits[0].chunk.source == "tokyo.md"


async def test_dense_without_the_extra_falls_back_and_says_so(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "is_dense_available", lambda: False)
    with pytest.warns(DenseUnavailableWarning, match=r"pip install plangate\[embeddings\]"):
        backend = SandboxRetrievalBackend(corpus, dense=True)
    assert backend.mode == "bm25"
    assert (await backend.search("business class", 1))[0].chunk.source == "policy.md"


def test_the_encoder_names_the_extra_when_it_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dense, "is_dense_available", lambda: False)
    with pytest.raises(UsageError, match=r"run `pip install plangate\[embeddings\]`"):
        MiniLmEncoder()
