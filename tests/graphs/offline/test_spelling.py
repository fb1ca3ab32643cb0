"""Speller: slang, arrows, compound numbers and safe typos, and what it must never change."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plangate.graphs.offline.spelling import Speller, is_one_slip

SPELLER = Speller(
    vocabulary=("tomorrow", "table", "tables", "Microsoft", "shares", "Lisbon", "flight"),
    protected=("fight",),
)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("table 4 ppl porto sat", "table 4 people porto sat"),
        ("hey can u book it 2moro", "hey can you book it tomorrow"),
        ("what r my holdings rn", "what are my holdings right now"),
        ("Tmrw at 8", "Tomorrow at 8"),
        ("any flights LIS→MAD?", "any flights LIS to MAD?"),
        ("Lisbon -> Madrid", "Lisbon to Madrid"),
        ("buy five hundred dollars of MSFT", "buy 500 dollars of MSFT"),
        ("one hundred and fifty shares", "150 shares"),
        ("a thousand dollars", "1000 dollars"),
        ("buy half a dozen META", "buy 6 META"),
        ("book a tabel in lisbon tomorow", "book a table in lisbon tomorrow"),
        ("buy 10 shares of Microsft", "buy 10 shares of Microsoft"),
        ("sell 5 shres", "sell 5 shares"),
        ("tommorrow", "tomorrow"),
    ],
)
def test_a_request_is_read_as_meant(typed: str, read: str) -> None:
    assert SPELLER.respell(typed) == read


@pytest.mark.parametrize(
    "kept",
    [
        "book tables for Friday",  # a plural is no typo of the singular
        "a fight",  # protected: a real word one slip from "flight"
        "buy 10 U",  # "U" in capitals may be a ticker
        "TABEL",  # upper case: a code, not a typo
        "Four Seasons",  # a single number word is left to the slot readers
        "a table for two",
        "Lisboa",  # two slips (a local name is the grammar's to know)
    ],
)
def test_what_is_no_slip_is_left_alone(kept: str) -> None:
    assert SPELLER.respell(kept) == kept


def test_a_slip_is_one_edit_that_keeps_the_first_letter() -> None:
    assert is_one_slip("tabel", "table")  # swapped
    assert is_one_slip("tomorow", "tomorrow")  # missing
    assert is_one_slip("tablle", "table")  # doubled
    assert is_one_slip("microsaft", "microsoft")  # wrong letter, long word
    assert not is_one_slip("parts", "paris")  # wrong letter in a short word
    assert not is_one_slip("cable", "table")  # another first letter
    assert not is_one_slip("tables", "table")  # a plural
    assert not is_one_slip("tabl", "table")  # under five letters


@given(st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz ,.?"), max_size=60))
def test_respelling_is_stable(text: str) -> None:
    once = SPELLER.respell(text)
    assert SPELLER.respell(once) == once


@given(st.sampled_from(sorted(SPELLER.vocabulary)), st.sampled_from(["", "s", "?"]))
def test_the_vocabulary_is_never_changed(word: str, tail: str) -> None:
    assert SPELLER.respell(f"book {word}{tail} now") == f"book {word}{tail} now"
