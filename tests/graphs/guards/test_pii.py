"""PII detection and redaction on realistic texts, and the ``PIIRedaction`` guardrail."""

from __future__ import annotations

import pytest

from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage, run_guardrails
from plangate.graphs.guards.pii import (
    PiiMatch,
    PIIRedaction,
    find_pii,
    is_iban_valid,
    is_luhn_valid,
    redact,
    redact_text,
)
from plangate.tools.errors import UsageError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to ana.silva+trips@example.co.uk today", "Write to [email] today"),
        ("card 4111 1111 1111 1111 exp 12/27", "card [card ****1111] exp 12/27"),
        ("card 4111-1111-1111-1111.", "card [card ****1111]."),
        ("paid with 5555555555554444", "paid with [card ****4444]"),
        ("amex 3782 822463 10005 on file", "amex [card ****0005] on file"),
        ("IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX", "IBAN [iban], BIC COBADEFFXXX"),
        ("iban gb82west12345698765432", "iban [iban]"),
        ("FR14 2004 1010 0505 0001 3M02 606", "[iban]"),
        ("call +44 20 7946 0958.", "call [phone]."),
        ("ring +351 912 345 678 after 6", "ring [phone] after 6"),
        ("+14155552671", "[phone]"),
        ("office (555) 123-4567", "office [phone]"),
        ("cell 555-123-4567 or 555.123.4567", "cell [phone] or [phone]"),
        ("London 020 7946 0958", "London [phone]"),
        ("Paris 06 12 34 56 78", "Paris [phone]"),
        ("Phone no. 555 123 4567", "Phone no. [phone]"),
    ],
)
def test_redacts_pii(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # fails Luhn
        "ref 1234567812345678",  # 16 digits, fails Luhn
        "DE89 3704 0044 0532 0130 01",  # bad mod-97
        "ZZ89 3704 0044 0532 0130 00",  # no such country
        "on 2024-05-01 at 12:30",
        "2024-05-01T12:30:00Z",
        "departs 2025-03-14 07:45:00",
        "it costs $1,234.56 or 1.234.567,89 EUR",
        "€ 1 234 567 raised",
        "price 1234567.50",
        "between 1990-2020",
        "order 123-456-7890",
        "Order #5551234567",
        "booking ref: 555 123 4567",
        "confirmation number 200 300 4000",
        "ORD-2024-000123",
        "population 12345678",
        "at 12:30:45",
        "version 1.2.3.4",
        "email me at ana [at] example dot com",
    ],
)
def test_leaves_non_pii_alone(text: str) -> None:
    assert find_pii(text) == []
    assert redact(text) == text


def test_matches_report_kind_and_span() -> None:
    text = "ana@example.com / 4111111111111111"
    assert find_pii(text) == [
        PiiMatch("email", 0, 15, "ana@example.com"),
        PiiMatch("card", 18, 34, "4111111111111111"),
    ]


def test_a_card_next_to_other_numbers_is_still_found() -> None:
    assert redact("4111 1111 1111 1111 2027 cvc") == "[card ****1111] 2027 cvc"


def test_kinds_can_be_limited() -> None:
    text = "ana@example.com +44 20 7946 0958"
    assert redact(text, kinds=["email"]) == "[email] +44 20 7946 0958"
    assert [m.kind for m in find_pii(text, kinds=["phone"])] == ["phone"]


def test_redaction_walks_nested_json_without_mutating_it() -> None:
    result = {
        "guest": {"email": "ana@example.com", "phones": ["+44 20 7946 0958"]},
        "party_size": 4,
        "tags": ("vip", "ana@example.com"),
        "ana@example.com": None,
    }
    redacted = redact(result)
    assert redacted == {
        "guest": {"email": "[email]", "phones": ["[phone]"]},
        "party_size": 4,
        "tags": ("vip", "[email]"),
        "ana@example.com": None,  # keys are field names, not data
    }
    assert result["guest"] == {"email": "ana@example.com", "phones": ["+44 20 7946 0958"]}


def test_redact_text_returns_the_matches() -> None:
    text, matches = redact_text("a@b.io")
    assert text == "[email]"
    assert [m.replacement for m in matches] == ["[email]"]


def test_checksums() -> None:
    assert is_luhn_valid("4111111111111111")
    assert not is_luhn_valid("4111111111111112")
    assert not is_luhn_valid("")
    assert is_iban_valid("GB82 WEST 1234 5698 7654 32")
    assert not is_iban_valid("GB82 WEST 1234 5698 7654 33")
    assert not is_iban_valid("GB82 WEST 1234 5698 7654")


# -- the guardrail -----------------------------------------------------------------------------


async def test_guardrail_allows_clean_text() -> None:
    verdict = await PIIRedaction().check(GuardSubject(Stage.INPUT, text="Table for 4 at 8pm"))
    assert verdict.action is Action.ALLOW


async def test_guardrail_modifies_text_with_counts() -> None:
    subject = GuardSubject(Stage.OUTPUT, text="Booked for ana@example.com, call +44 20 7946 0958")
    verdict = await PIIRedaction().check(subject)
    assert verdict.action is Action.MODIFY
    assert verdict.replacement == "Booked for [email], call [phone]"
    assert verdict.details == {"kinds": ["email", "phone"], "counts": {"email": 1, "phone": 1}}
    assert verdict.reason == "redacted PII: 1 email, 1 phone"


async def test_guardrail_redacts_tool_results_and_their_text() -> None:
    result = {"guest": "ana@example.com", "card": "4111 1111 1111 1111"}
    subject = GuardSubject(Stage.TOOL_RESULT, text="(rendered)", result=result, step_id="s2")
    outcome = await run_guardrails([PIIRedaction()], subject)
    assert outcome.subject.result == {"guest": "[email]", "card": "[card ****1111]"}
    assert outcome.subject.text == '{"guest": "[email]", "card": "[card ****1111]"}'
    assert outcome.verdicts[0].step_id == "s2"
    assert outcome.verdicts[0].model_dump(mode="json")["replacement"] == outcome.subject.result


def test_guardrail_validates_its_configuration() -> None:
    with pytest.raises(UsageError, match="unknown PII kinds"):
        PIIRedaction(kinds=["ssn"])  # type: ignore[list-item]
    with pytest.raises(UsageError, match="at least one"):
        PIIRedaction(kinds=[])
    assert PIIRedaction().stages == {Stage.INPUT, Stage.TOOL_RESULT, Stage.OUTPUT}
