"""Stable pseudonyms: one stand-in per value, of the same shape, that gives nothing away."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from plangate.graphs.guards.guardrails import GuardSubject, Stage
from plangate.graphs.guards.pii import PIIRedaction, find_pii, is_iban_valid, is_luhn_valid, redact
from plangate.graphs.guards.pseudonyms import (
    PSEUDONYM_DOMAIN,
    Pending,
    Pseudonyms,
    has_placeholder,
    is_pseudonym,
)
from plangate.graphs.guards.redaction import Redactor
from plangate.tools.domains.calendar.models import _check_email


def cleaner() -> Redactor:
    return Redactor(pseudonyms=Pseudonyms())


def test_one_value_gets_one_stand_in_in_every_spelling_and_place() -> None:
    redactor = cleaner()
    cleaned = redactor.clean(
        {
            "to": "Ana@Example.com",
            "cc": ["ana@example.com"],
            "note": 'mailto:ana@example.com?subject=hi {"email": "ana@example.com"}',
            "url": "https://mail.example/u/ana@example.com/inbox",
        }
    )
    stand_in = f"user1@{PSEUDONYM_DOMAIN}"
    assert cleaned == {
        "to": stand_in,
        "cc": [stand_in],
        "note": f'mailto:{stand_in}?subject=hi {{"email": "{stand_in}"}}',
        "url": f"https://mail.example/u/{stand_in}/inbox",
    }


def test_digits_keep_their_layout_and_spellings_share_the_stand_in() -> None:
    redactor = cleaner()
    spaced, compact = redactor.clean(["call +351 912 345 678", "call +351912345678"])
    assert spaced == "call +000 000 000 010"
    assert compact == "call +000000000010"
    cards = redactor.clean(["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111"])
    assert cards == ["0000 0000 0012 1111", "0000-0000-0012-1111", "0000000000121111"]
    ibans = redactor.clean(["DE89 3704 0044 0532 0130 00", "de89370400440532013000"])
    assert ibans[0].replace(" ", "") == ibans[1]
    assert re.fullmatch(r"DE\d\d( \d{4}){4} \d\d", ibans[0])


def test_distinct_values_get_distinct_stand_ins_also_when_one_contains_the_other() -> None:
    redactor = cleaner()
    text = "ana@example.com diana@example.com 912 345 678 +351 912 345 678"
    cleaned = redactor.clean(text)
    emails = re.findall(r"\S+@\S+", cleaned)
    assert emails == [f"user1@{PSEUDONYM_DOMAIN}", f"user2@{PSEUDONYM_DOMAIN}"]
    phones = [m.text for m in find_pii(cleaned, ["phone"])]
    assert len(phones) == 2
    national, international = (re.sub(r"[^0-9]", "", phone) for phone in phones)
    assert national != international[-len(national) :]


def test_a_stand_in_depends_on_order_only_never_on_the_value() -> None:
    one, two = cleaner(), cleaner()
    assert one.clean("+44 20 7946 0958") == two.clean("+33 61 2345 6789")
    assert one.clean("+33 61 2345 6789") == two.clean("+44 20 7946 0958")
    phone = one.clean("tel 020 7946 0958")
    assert not set(re.findall(r"[1-9]", phone)) & set("2794658")  # no digit of it survives


def test_a_card_keeps_only_its_last_four_digits() -> None:
    stand_in = cleaner().clean("5500 0000 0000 0004")
    assert stand_in.endswith("0004")
    assert stand_in.startswith("0000 0000 00")  # zeros, the counter and a Luhn digit
    assert is_luhn_valid(stand_in.replace(" ", ""))


def test_stand_ins_pass_the_validators_the_values_passed() -> None:
    cleaned = cleaner().clean(
        ["bob@corp.example.org", "4111 1111 1111 1111", "GB29 NWBK 6016 1331 9268 19"]
    )
    assert _check_email(cleaned[0]) == cleaned[0]  # the calendar's attendee validator
    assert re.fullmatch(r"[a-z0-9.+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}", cleaned[0])
    assert is_luhn_valid(cleaned[1].replace(" ", ""))
    assert is_iban_valid(cleaned[2])
    assert cleaned[2].startswith("GB")


async def test_the_pii_guardrail_reads_stand_ins_as_it_read_the_values() -> None:
    text = (
        "Mail ana@example.com, call +351 912 345 678 or (555) 123-4567, "
        "card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00"
    )
    guard = PIIRedaction()
    raw = await guard.check(GuardSubject(stage=Stage.OUTPUT, text=text))
    stood_in = await guard.check(GuardSubject(stage=Stage.OUTPUT, text=cleaner().clean(text)))
    assert stood_in.replacement == raw.replacement
    assert stood_in.details == raw.details


def test_cleaning_twice_changes_nothing_and_keeps_stand_ins_met_in_the_data() -> None:
    redactor = cleaner()
    literal = f"user1@{PSEUDONYM_DOMAIN}"
    first = redactor.clean(f"{literal.upper()} and ana@example.com")
    assert first == f"{literal} and user2@{PSEUDONYM_DOMAIN}"  # user1 was taken already
    assert redactor.clean(first) == first
    assert redactor.clean("+000 000 000 010") == "+000 000 000 010"


@given(
    st.lists(
        st.sampled_from(
            [
                "ana@example.com",
                "ANA@example.com",
                "+351 912 345 678",
                "06 12 34 56 78",
                "4111 1111 1111 1111",
                "4111111111111111 2027",
                "DE89 3704 0044 0532 0130 00",
                "order 12345",
                "at 20:30 on 2026-03-13",
                "€1,234.56",
            ]
        ),
        max_size=8,
    ),
    # Not a bare space: numbers joined by one read as a single run of digits, where the
    # detector may find a card in another window once a value became its stand-in.
    st.sampled_from([", ", "\n", " / ", "; "]),
)
def test_stand_ins_are_idempotent_and_leave_no_pii_behind(parts: list[str], sep: str) -> None:
    redactor = cleaner()
    text = sep.join(parts)
    once = redactor.clean(text)
    assert redactor.clean(once) == once
    assert all(is_pseudonym(match.kind, match.text) for match in find_pii(once))
    assert redact(once) == redact(text)  # markers over stand-ins = markers over the values


def test_a_table_that_cannot_allocate_stands_placeholders_in_until_bound() -> None:
    table = Pseudonyms(allocate=False)
    redactor = Redactor(pseudonyms=table)
    cleaned = redactor.clean("desk@shop.example.org")
    assert has_placeholder(cleaned)
    assert not find_pii(cleaned)
    pending = Pending("email", "desk@shop.example.org", "desk@shop.example.org")
    other = Pending("email", "bob@shop.example.org", "bob@shop.example.org")
    assert not table.bind([(pending, "desk@shop.example.org")])  # not a stand-in
    assert not table.bind(
        [(pending, f"user4@{PSEUDONYM_DOMAIN}"), (other, f"user4@{PSEUDONYM_DOMAIN}")]
    )
    assert has_placeholder(redactor.clean("desk@shop.example.org"))  # all or nothing
    assert table.bind([(pending, f"user4@{PSEUDONYM_DOMAIN}")])
    assert redactor.clean("Desk@shop.example.org") == f"user4@{PSEUDONYM_DOMAIN}"
    assert not table.bind([(other, f"user4@{PSEUDONYM_DOMAIN}")])  # one value per stand-in


def test_markers_stay_for_redactors_without_a_table() -> None:
    assert Redactor().clean("ana@example.com") == "[email]"
