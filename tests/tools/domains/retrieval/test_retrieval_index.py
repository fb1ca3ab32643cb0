"""Tokenization, the BM25 index and the engine on the real corpus: relevance, filters, citations."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plangate.tools.domains.retrieval.citation import SNIPPET_CHARS, snippet
from plangate.tools.domains.retrieval.engine import SearchEngine
from plangate.tools.domains.retrieval.index import Bm25Index, source_matches
from plangate.tools.domains.retrieval.loader import bundled_corpus
from plangate.tools.domains.retrieval.models import Chunk, Document
from plangate.tools.domains.retrieval.tokens import query_terms, scan, tokenize
from plangate.tools.errors import ToolRefusedError, UsageError


def test_tokenize_folds_case_accents_and_plurals_and_drops_stopwords() -> None:
    assert tokenize("The Risks of Zürich's cafés, in NVDA_notes") == [
        "risk",
        "zurich",
        "cafe",
        "nvda",
        "note",
    ]
    # Words ending in -ss, -us and -is keep their s; so do short words.
    assert tokenize("business class bonus analysis bus gas") == [
        "business",
        "class",
        "bonus",
        "analysis",
        "bus",
        "gas",
    ]
    assert query_terms("risk risks RISK") == ["risk"]


def test_scan_reports_where_each_word_is() -> None:
    text = "Long-haul flights"
    assert [(t.term, text[t.start : t.end]) for t in scan(text)] == [
        ("long", "Long"),
        ("haul", "haul"),
        ("flight", "flights"),
    ]


@pytest.mark.parametrize(
    ("query", "source", "title_end"),
    [
        ("business class long-haul", "travel-policy.md", "3.3 Cabin class"),
        ("NVDA risks", "research/nvda.md", "Risks"),
        ("tipping in Tokyo", "venues/tokyo.md", "Tipping"),
        ("typical dinner hours Madrid", "venues/madrid.md", "Typical dinner hours"),
        ("meal allowance per city tier", "travel-policy.md", "6.1 Meal allowances per city tier"),
        (
            "advance booking window intercontinental",
            "travel-policy.md",
            "3.1 Advance booking windows",
        ),
        ("Eli Lilly obesity catalysts", "research/lly.md", "Catalysts"),
    ],
)
def test_the_best_hit_is_the_section_that_answers(
    engine: SearchEngine, query: str, source: str, title_end: str
) -> None:
    best = engine.search(query, k=3)[0]
    assert (best.chunk.source, best.chunk.title.split(" > ")[-1]) == (source, title_end)


def test_hits_are_ranked_limited_and_cited(engine: SearchEngine) -> None:
    hits = engine.search("hotel cap per night", k=7)
    assert len(hits) == 7
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert scores[-1] > 0
    for hit in hits:
        chunk, citation = hit.chunk, hit.citation
        assert (citation.source, citation.chunk_id) == (chunk.source, chunk.id)
        assert (citation.start, citation.end) == (chunk.start, chunk.end)
        document = engine.get(chunk.source)
        assert document is not None
        assert document.text[chunk.start : chunk.end] == chunk.text
        assert len(citation.snippet) <= SNIPPET_CHARS
        assert set(tokenize(citation.snippet)) & {"hotel", "cap", "night"}


def test_source_filters_select_files_ids_and_folders(engine: SearchEngine) -> None:
    research = engine.search("risks", k=20, sources=["research/"])
    assert len(research) == 20
    assert all(h.chunk.source.startswith("research/") for h in research)
    assert {h.chunk.source for h in engine.search("risks", k=10, sources=["research/nvda"])} == {
        "research/nvda.md"
    }
    both = engine.search("tipping", k=50, sources=["venues/tokyo.md", "travel-policy"])
    assert {h.chunk.source for h in both} == {"venues/tokyo.md", "travel-policy.md"}
    assert source_matches("venues/lisbon.md", "venues")
    assert not source_matches("venuesx/lisbon.md", "venues")
    assert not source_matches("venues/lisbon.md", " / ")


def test_unknown_source_filters_are_refused_with_what_exists(engine: SearchEngine) -> None:
    with pytest.raises(ToolRefusedError) as caught:
        engine.check_sources(["reserch/", "venues/"])
    assert caught.value.reason == "invalid"
    assert "'reserch/'" in caught.value.message
    assert "'venues/'" not in caught.value.message
    assert "research/" in caught.value.hint
    assert "travel-policy.md" in caught.value.hint


def test_queries_without_known_terms_find_nothing(engine: SearchEngine) -> None:
    assert engine.search("zzqx wuvw", k=5) == []
    assert engine.search("the and of", k=5) == []  # only stopwords


def test_search_is_deterministic_across_builds(engine: SearchEngine) -> None:
    rebuilt = SearchEngine.from_folder(bundled_corpus())
    for query in ("business dinner per person limit", "volatility position limits"):
        first = [h.model_dump(mode="json") for h in engine.search(query, k=10)]
        assert first == [h.model_dump(mode="json") for h in rebuilt.search(query, k=10)]


def test_an_index_survives_save_and_load(engine: SearchEngine, tmp_path: Path) -> None:
    engine.bm25.save(tmp_path / "index")
    loaded = Bm25Index.load(tmp_path / "index")
    assert loaded.chunks == engine.bm25.chunks
    query = "rail preferred over flying"
    assert loaded.search(query, 5) == engine.bm25.search(query, 5)


def test_loading_something_that_is_not_an_index_says_so(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"holds no saved retrieval index \(chunks\.json"):
        Bm25Index.load(tmp_path)


def test_an_index_of_stopwords_only_matches_nothing(tmp_path: Path) -> None:
    chunk = Chunk.create(source="a.md", title="the", start=0, text="and of the")
    index = Bm25Index.build([chunk])
    assert index.search("and the", 3) == []
    index.save(tmp_path)
    assert Bm25Index.load(tmp_path).chunks == (chunk,)


def test_snippets_centre_on_the_first_match_and_mark_cuts() -> None:
    text = " ".join(f"word{n}" for n in range(200)) + " target " + "tail " * 100
    cut = snippet(text, ["target"])
    assert cut.startswith("…")
    assert cut.endswith("…")
    assert "target" in cut
    assert len(cut) <= SNIPPET_CHARS
    assert snippet("Short text.", ["missing"]) == "Short text."
    assert snippet("Line one\n\n  line   two", []) == "Line one line two"


@given(st.text(max_size=600), st.lists(st.text(min_size=1, max_size=8), max_size=3))
def test_snippets_never_exceed_their_width(text: str, terms: list[str]) -> None:
    cut = snippet(text, terms, width=80)
    assert len(cut) <= 80
    assert not cut.strip(" …") or cut.strip(" …")[:10] in " ".join(text.split())


def test_documents_resolve_by_id_or_source_and_list_in_id_order(engine: SearchEngine) -> None:
    by_id, by_source = engine.get("venues/lisbon"), engine.get("venues/lisbon.md")
    assert by_id is not None
    assert by_id == by_source
    assert by_id.title == "Lisbon venue guide"
    assert engine.get("venues/atlantis") is None
    ids = [info.id for info in engine.infos()]
    assert ids == sorted(ids)
    assert len(ids) == len(engine.documents)


def test_audit_passes_on_the_corpus_and_catches_a_chunk_that_drifted() -> None:
    engine = SearchEngine([Document(id="a", source="a.md", title="A", text="alpha beta gamma")])
    assert engine.audit() == []
    engine.documents["a"] = Document(id="a", source="a.md", title="A", text="changed text")
    assert engine.audit() == [f"chunk {engine.bm25.chunks[0].id} does not slice 'a.md' exactly"]
