"""The answer's tokens, printed as they stream, wrap between words at the console's width."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from plangate.demos.cli.render import Progress
from plangate.graphs.engine.events import AnswerToken, FinalAnswer

WORDS = st.lists(st.text(alphabet="abcdefgh:0123", min_size=1, max_size=12), min_size=1)


@given(WORDS, st.lists(st.integers(1, 9), min_size=1), st.integers(20, 60))
def test_streamed_words_are_never_cut(words: list[str], sizes: list[int], width: int) -> None:
    text = " ".join(words)
    pieces, start = [], 0
    while start < len(text):  # the text in tokens of any size, cutting words anywhere
        size = sizes[len(pieces) % len(sizes)]
        pieces.append(text[start : start + size])
        start += size
    console = Console(file=io.StringIO(), width=width, color_system=None)
    progress = Progress(console, "t", live=False)
    with progress.segment():
        for piece in pieces:
            progress.show(AnswerToken(text=piece))
        progress.show(FinalAnswer(response={}))
    out = console.file
    assert isinstance(out, io.StringIO)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "★ answer ready"
    assert [word for line in lines[:-1] for word in line.split()] == words
    assert all(len(line) <= width for line in lines)
