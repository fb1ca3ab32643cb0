"""The injection scanner on corpora it was not tuned on: detection floor, false-positive ceiling.

``HELDOUT`` was written before the rules were rewritten and ``SEALED`` after them, without
running them; ``SEALED``'s first measured rate was 26 of 40 (the families it missed were then
added in general form). The scanner before this rewrite detected 21 of 62 and 15 of 40. Benign
texts are the bundled retrieval corpus (travel policy, venue guides, research notes), the
seeded venues, and hand-written texts that use the same words innocently in the same languages.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage
from plangate.graphs.guards.injection import PromptInjection
from tests.graphs.guards.injection_heldout import (
    BENIGN,
    HELDOUT,
    SEALED,
    SEALED_BENIGN,
    benign_documents,
)

DETECTION_FLOOR = 0.9
HAND_WRITTEN_FALSE_POSITIVES = 2  # of 52 texts written to look like injections
DOCUMENT_FALSE_POSITIVE_RATE = 0.005  # of the ~620 bundled paragraphs and venues


def flagged(payload: Any) -> bool:
    subject = GuardSubject(Stage.TOOL_RESULT, result=payload)
    return asyncio.run(PromptInjection().check(subject)).action is Action.MODIFY


@pytest.mark.parametrize(("name", "corpus"), [("held-out", HELDOUT), ("sealed", SEALED)])
def test_detection_rate_on_corpora_the_rules_were_not_tuned_on(
    name: str, corpus: list[Any]
) -> None:
    missed = [payload for payload in corpus if not flagged(payload)]
    rate = 1 - len(missed) / len(corpus)
    assert len(corpus) >= 40
    assert rate >= DETECTION_FLOOR, f"{name}: {rate:.0%} detected; missed: {missed}"


def test_false_positives_on_hand_written_benign_texts_stay_under_the_ceiling() -> None:
    false_positives = [text for text in [*BENIGN, *SEALED_BENIGN] if flagged(text)]
    assert len(false_positives) <= HAND_WRITTEN_FALSE_POSITIVES, false_positives


def test_false_positives_on_the_bundled_documents_stay_under_the_ceiling() -> None:
    documents = benign_documents()
    false_positives = [doc for doc in documents if flagged(doc)]
    assert len(documents) >= 500
    assert len(false_positives) <= DOCUMENT_FALSE_POSITIVE_RATE * len(documents), false_positives


def test_whole_bundled_documents_are_not_flagged() -> None:
    # Whole files, as a retrieval search returns them: long text, many paragraphs joined.
    joined = "\n\n".join(doc for doc in benign_documents() if isinstance(doc, str))
    assert not flagged(
        {"documents": [{"text": joined[i : i + 20_000]} for i in range(0, len(joined), 20_000)]}
    )
