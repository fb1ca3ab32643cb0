"""Chunking and loading: sections and titles, exact offsets, coverage, overlap, stable ids."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plangate.tools.domains.retrieval.chunking import (
    ChunkingConfig,
    chunk_document,
    chunk_text,
    document_title,
    sections,
)
from plangate.tools.domains.retrieval.loader import bundled_corpus, load_documents
from plangate.tools.domains.retrieval.models import Chunk, chunk_id
from plangate.tools.errors import UsageError

POLICY = """# Travel policy

Intro text about the policy.

## Air travel

### Cabin class

Economy by default. Business class only over 6 hours.

## Hotels

Caps per night.
"""


def is_word_start(text: str, pos: int) -> bool:
    return 0 < pos < len(text) and text[pos - 1].isspace() and not text[pos].isspace()


# -- examples -------------------------------------------------------------------------------------


def test_headings_become_titles_and_bare_headings_join_the_next_section() -> None:
    chunks = chunk_text(POLICY, source="policy.md")
    assert [c.title for c in chunks] == [
        "Travel policy",
        "Travel policy > Air travel > Cabin class",
        "Travel policy > Hotels",
    ]
    # "## Air travel" has no body of its own: it opens the Cabin class chunk.
    assert chunks[1].text.startswith("## Air travel\n\n### Cabin class")
    assert "".join(c.text for c in chunks) == POLICY


def test_text_before_the_first_heading_takes_the_document_title() -> None:
    text = "Preface words.\n\n# Real title\n\nBody.\n"
    parts = sections(text, "Fallback")
    assert [(s.title, text[s.start : s.end]) for s in parts] == [
        ("Fallback", "Preface words.\n\n"),
        ("Real title", "# Real title\n\nBody.\n"),
    ]


def test_headings_inside_code_fences_are_not_headings() -> None:
    text = "# Guide\n\n```bash\n# not a heading\necho hi\n```\n\n## Next\n\nMore.\n"
    assert [s.title for s in sections(text, "x")] == ["Guide", "Guide > Next"]


def test_document_title_falls_back_to_the_file_name() -> None:
    assert document_title("# Main\n\n## Sub\n", "a.md") == "Main"
    assert document_title("## Only sub\n", "a.md") == "Only sub"
    assert document_title("no headings here", "notes/travel-policy_v2.txt") == "Travel policy v2"


def test_long_sections_are_cut_at_line_starts_with_the_configured_overlap() -> None:
    lines = [f"Line {n} says something about fares and hotels." for n in range(40)]
    text = "# Long\n\n" + "\n".join(lines) + "\n"
    config = ChunkingConfig(size=200, overlap=40)
    chunks = chunk_text(text, source="long.md", config=config)
    assert len(chunks) > 5
    for before, after in itertools.pairwise(chunks):
        assert len(before.text) <= 200
        assert before.text.endswith("\n")  # a line start was available in every window
        assert 0 < before.end - after.start <= 40


def test_blank_documents_have_no_chunks() -> None:
    assert chunk_text("", source="e.md") == []
    assert chunk_text(" \n\t\n", source="e.md") == []


@pytest.mark.parametrize(
    ("size", "overlap"), [(15, 0), (100, 51), (100, -1)], ids=["tiny", "overlap>half", "negative"]
)
def test_bad_configs_are_refused_with_the_limits(size: int, overlap: int) -> None:
    with pytest.raises(UsageError, match=r"ChunkingConfig\.(size|overlap)"):
        ChunkingConfig(size=size, overlap=overlap)


def test_chunk_offsets_must_match_its_text() -> None:
    with pytest.raises(ValueError, match="span 3 characters but the text has 2"):
        Chunk(id="x", source="a.md", title="t", start=0, end=3, text="ab")


def test_ids_depend_on_source_offsets_and_text() -> None:
    base = chunk_id("a.md", 0, 5, "hello")
    assert base == chunk_id("a.md", 0, 5, "hello")
    assert len({base, chunk_id("b.md", 0, 5, "hello"), chunk_id("a.md", 1, 6, "hello")}) == 3
    # A literal value pins the hash function: ids written in traces must not change.
    assert base == "b5906ea6630028ff"  # sha256("a.md\\x000\\x005\\x00hello")[:16]


# -- properties -----------------------------------------------------------------------------------

WORD = st.text(alphabet="abcdefghij", min_size=1, max_size=14)
SPACE = st.sampled_from([" ", " ", " ", "\n", "\n\n", "  ", "\t"])
HEADING = st.builds(lambda level, words: "#" * level + " " + " ".join(words) + "\n",
                    st.integers(1, 3), st.lists(WORD, min_size=1, max_size=4))  # fmt: skip
PARAGRAPH = st.lists(st.tuples(WORD, SPACE), min_size=1, max_size=60).map(
    lambda pairs: "".join(word + space for word, space in pairs)
)
DOCUMENT = st.lists(st.one_of(HEADING, PARAGRAPH, st.text(max_size=40)), max_size=8).map("".join)
CONFIG = st.integers(16, 160).flatmap(
    lambda size: st.builds(ChunkingConfig, st.just(size), st.integers(0, size // 2))
)


@given(DOCUMENT, CONFIG)
def test_chunks_slice_the_text_exactly_and_cover_it(text: str, config: ChunkingConfig) -> None:
    chunks = chunk_text(text, source="doc.md", config=config)
    if not text.strip():
        assert chunks == []
        return
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert 0 < len(chunk.text) <= config.size
    # Coverage, in order: starts from 0, no gap between neighbours, ends at the end.
    assert chunks[0].start == 0
    assert chunks[-1].end == len(text)
    for before, after in itertools.pairwise(chunks):
        assert before.start < after.start <= before.end


@given(DOCUMENT, CONFIG)
def test_overlaps_are_as_configured_and_word_aligned(text: str, config: ChunkingConfig) -> None:
    chunks = chunk_text(text, source="doc.md", config=config)
    for before, after in itertools.pairwise(chunks):
        shared = before.end - after.start
        if before.title != after.title or shared == 0:
            continue  # a new section, or a zero overlap: nothing is shared
        assert 0 < shared <= config.overlap
        floor = before.end - config.overlap
        # The next chunk starts at the first word start at or after end - overlap...
        assert not any(is_word_start(text, pos) for pos in range(floor, after.start))
        # ...or exactly at end - overlap when no word starts in that window.
        assert is_word_start(text, after.start) or after.start == floor


@given(DOCUMENT, CONFIG)
def test_chunks_end_at_a_word_start_unless_one_word_fills_the_window(
    text: str, config: ChunkingConfig
) -> None:
    chunks = chunk_text(text, source="doc.md", config=config)
    for before, after in itertools.pairwise(chunks):
        if before.title == after.title and after.start < before.end:
            assert is_word_start(text, before.end) or len(before.text) == config.size


@given(DOCUMENT, CONFIG)
def test_ids_are_stable_and_unique(text: str, config: ChunkingConfig) -> None:
    first = chunk_text(text, source="doc.md", config=config)
    again = chunk_text(text, source="doc.md", config=config)
    assert [c.id for c in first] == [c.id for c in again]
    assert len({c.id for c in first}) == len(first)
    moved = chunk_text(text, source="other.md", config=config)
    assert not {c.id for c in first} & {c.id for c in moved}


# -- the loader -----------------------------------------------------------------------------------


def test_loader_reads_md_and_txt_recursively_in_path_order(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("plain text", encoding="utf-8")
    (tmp_path / "a.md").write_text("\ufeff# Alpha\n\nBody", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / ".hidden.md").write_text("# secret", encoding="utf-8")
    docs = load_documents(tmp_path)
    assert [(d.id, d.source, d.title) for d in docs] == [
        ("a", "a.md", "Alpha"),
        ("sub/b", "sub/b.txt", "B"),
    ]
    assert docs[0].text == "# Alpha\n\nBody"  # the byte-order mark is dropped


def test_loader_names_the_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("fine", encoding="utf-8")
    (tmp_path / "menu.md").write_bytes("Caf\xe9 menu".encode("latin-1"))
    with pytest.raises(
        UsageError, match=r"'menu\.md' is not valid UTF-8 \(byte 0xe9 at offset 3\)"
    ):
        load_documents(tmp_path)


def test_loader_refuses_a_missing_or_empty_folder_and_duplicate_ids(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        load_documents(tmp_path / "nope")
    with pytest.raises(UsageError, match=r"holds no \.md or \.txt file"):
        load_documents(tmp_path)
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    (tmp_path / "a.txt").write_text("y", encoding="utf-8")
    with pytest.raises(UsageError, match="both have the id 'a'"):
        load_documents(tmp_path)


def test_the_bundled_corpus_is_package_data_and_within_budget() -> None:
    docs = load_documents(bundled_corpus())
    ids = {d.id for d in docs}
    assert "travel-policy" in ids
    assert len([i for i in ids if i.startswith("venues/")]) >= 12
    assert len([i for i in ids if i.startswith("research/")]) >= 20
    assert sum(len(d.text.encode()) for d in docs) < 250_000
    for doc in docs:
        if doc.id.startswith("research/"):
            assert "Fictional sandbox research" in doc.text
            assert "Not investment advice" in doc.text
        chunks = chunk_document(doc)
        assert chunks[0].start == 0
        assert chunks[-1].end == len(doc.text)


def test_a_link_out_of_the_corpus_folder_is_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n\nthe private key\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    (corpus / "guides").mkdir(parents=True)
    (corpus / "guides" / "lisbon.md").write_text("# Lisbon\n\ntrams\n", encoding="utf-8")
    (corpus / "leak.md").symlink_to(outside / "secret.md")  # a file link out
    (corpus / "elsewhere").symlink_to(outside, target_is_directory=True)  # a folder link out
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)  # a link back up
    (corpus / "alias.md").symlink_to(corpus / "guides" / "lisbon.md")  # a link that stays in
    sources = [d.source for d in load_documents(corpus)]
    assert sources == ["alias.md", "guides/lisbon.md"]
    assert all("private key" not in d.text for d in load_documents(corpus))
