"""Property tests: checksummed PII is always redacted, look-alikes never, redaction is idempotent."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from plangate.graphs.guards.pii import IBAN_LENGTHS, find_pii, is_iban_valid, is_luhn_valid, redact

# Random surrounding text without digits, so no neighbouring number can join the one planted.
WORDS = st.text(alphabet=string.ascii_letters + " .,;:!?()'\"-_/\n", max_size=40)
ANY_TEXT = st.text(max_size=80)


def _luhn_check_digit(payload: str) -> str:
    for digit in "0123456789":
        if is_luhn_valid(payload + digit):
            return digit
    raise AssertionError("unreachable: one check digit always fits")


@st.composite
def card_numbers(draw: st.DrawFn, *, valid: bool) -> str:
    length = draw(st.integers(13, 19))
    payload = draw(st.text(alphabet=string.digits, min_size=length - 1, max_size=length - 1))
    check = _luhn_check_digit(payload)
    if not valid:
        check = str((int(check) + draw(st.integers(1, 9))) % 10)
    digits = payload + check
    separator = draw(st.sampled_from(["", " ", "-"]))
    if not separator:
        return digits
    return separator.join(digits[i : i + 4] for i in range(0, len(digits), 4))


@st.composite
def ibans(draw: st.DrawFn) -> str:
    country = draw(st.sampled_from(sorted(IBAN_LENGTHS)))
    bban = draw(
        st.text(
            alphabet=string.digits + string.ascii_uppercase,
            min_size=IBAN_LENGTHS[country] - 4,
            max_size=IBAN_LENGTHS[country] - 4,
        )
    )
    number = int("".join(str(int(char, 36)) for char in bban + country + "00"))
    compact = f"{country}{98 - number % 97:02d}{bban}"
    spaced = draw(st.booleans())
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4)) if spaced else compact


def _embed(before: str, value: str, after: str) -> str:
    return f"{before} {value} {after}"


@given(before=WORDS, card=card_numbers(valid=True), after=WORDS)
def test_luhn_valid_cards_are_redacted(before: str, card: str, after: str) -> None:
    redacted = redact(_embed(before, card, after))
    assert card not in redacted
    assert f"[card ****{card.replace(' ', '').replace('-', '')[-4:]}]" in redacted


@given(before=WORDS, card=card_numbers(valid=False), after=WORDS)
def test_luhn_invalid_numbers_are_not_cards(before: str, card: str, after: str) -> None:
    kinds = {match.kind for match in find_pii(_embed(before, card, after))}
    assert "card" not in kinds


@given(before=WORDS, iban=ibans(), after=WORDS)
def test_valid_ibans_are_redacted(before: str, iban: str, after: str) -> None:
    assert is_iban_valid(iban)
    redacted = redact(_embed(before, iban, after))
    assert iban not in redacted
    assert "[iban]" in redacted


@given(iban=ibans(), position=st.integers(4, 40), digit=st.sampled_from("0123456789"))
def test_a_changed_iban_digit_fails_the_checksum(iban: str, position: int, digit: str) -> None:
    compact = iban.replace(" ", "")
    index = 4 + position % (len(compact) - 4)
    changed = compact[:index] + digit + compact[index + 1 :]
    if changed != compact and compact[index].isdigit():
        assert not is_iban_valid(changed)
    else:
        assert is_iban_valid(compact)


@given(text=ANY_TEXT)
def test_redaction_is_idempotent_on_any_text(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


@given(
    parts=st.lists(
        st.one_of(WORDS, card_numbers(valid=True), ibans(), st.just("ana.silva@example.com")),
        max_size=6,
    )
)
def test_redaction_is_idempotent_on_text_full_of_pii(parts: list[str]) -> None:
    once = redact(" ".join(parts))
    assert redact(once) == once
    assert redact({"notes": [once]}) == {"notes": [once]}
