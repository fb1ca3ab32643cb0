"""Fault injection around the sandbox, retries through the executor, lazy building, the audit."""

from __future__ import annotations

from pathlib import Path

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.retrieval.sandbox import SandboxRetrievalBackend
from plangate.tools.domains.retrieval.tools import TOOLS
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    RateLimitedError,
    ToolRefusedError,
    ToolTimeoutError,
)
from plangate.tools.executor import ToolExecutor
from plangate.tools.faults import Fault, FaultPlan
from plangate.tools.registry import Toolset


def small_corpus(tmp_path: Path) -> Path:
    (tmp_path / "policy.md").write_text(
        "# Policy\n\n## Cabins\n\nBusiness class only over 6 hours.\n\n## Hotels\n\nCaps apply.\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.txt").write_text("Tipping is not practised in Tokyo.", encoding="utf-8")
    return tmp_path


def always(fault: Fault, **kwargs: object) -> FaultPlan:
    return FaultPlan(rates={fault: 1.0}, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.TIMEOUT, ToolTimeoutError),
        (Fault.RATE_LIMIT, RateLimitedError),
        (Fault.SERVER_ERROR, BackendError),
        (Fault.MALFORMED, MalformedResponseError),
    ],
)
async def test_every_operation_is_wrapped(
    tmp_path: Path, fault: Fault, error: type[Exception]
) -> None:
    backend = SandboxRetrievalBackend(small_corpus(tmp_path), faults=always(fault))
    with pytest.raises(error):
        await backend.search("business class", 2)
    with pytest.raises(error):
        await backend.get_document("policy")
    with pytest.raises(error):
        await backend.list_documents()
    operations = [operation for operation, _ in backend.faults.injected]
    assert operations == ["search", "get_document", "list_documents"]


async def test_reply_lost_does_not_apply_to_reads(tmp_path: Path) -> None:
    backend = SandboxRetrievalBackend(small_corpus(tmp_path), faults=always(Fault.REPLY_LOST))
    hits = await backend.search("business class", 2)
    assert hits[0].chunk.title == "Policy > Cabins"


async def test_latency_is_slept_on_the_injected_clock(tmp_path: Path) -> None:
    clock = FakeClock()
    backend = SandboxRetrievalBackend(
        small_corpus(tmp_path), clock=clock, faults=FaultPlan(latency_ms=250)
    )
    await backend.search("tipping", 1)
    await backend.list_documents()
    assert clock.sleeps == [0.25, 0.25]


async def test_only_the_named_operation_fails(tmp_path: Path) -> None:
    plan = FaultPlan(rates={Fault.SERVER_ERROR: 1.0}, only=frozenset({"get_document"}))
    backend = SandboxRetrievalBackend(small_corpus(tmp_path), faults=plan)
    assert await backend.search("tipping", 1)
    with pytest.raises(BackendError, match=r"retrieval\.get_document: HTTP 503"):
        await backend.get_document("notes")


@pytest.mark.parametrize(("seed", "succeeds"), [(0, True), (1, False)])
async def test_the_executor_retries_transient_faults(
    tmp_path: Path, seed: int, succeeds: bool
) -> None:
    clock = FakeClock()
    # Half the attempts hit a 503. The plan is a pure function of (seed, operation, key,
    # attempt): with seed 0 this search fails twice then succeeds; with seed 1 it fails 3 times.
    plan = FaultPlan(seed=seed, rates={Fault.SERVER_ERROR: 0.5})
    backend = SandboxRetrievalBackend(small_corpus(tmp_path), clock=clock, faults=plan)
    executor = ToolExecutor(Toolset(TOOLS, deps=backend), clock=clock, seed=0)
    call = executor.call("search_documents", {"query": "business class", "k": 1})
    if succeeds:
        outcome = await call
        assert outcome.attempts == 3
        assert outcome.result_json[0]["chunk"]["source"] == "policy.md"
    else:
        with pytest.raises(BackendError) as caught:
            await call
        assert caught.value.status == 503
        assert caught.value.tool == "search_documents"
    assert len(clock.sleeps) == 2  # backoff between the 3 attempts, on the fake clock
    assert backend.faults.injected == [("search", Fault.SERVER_ERROR)] * (2 if succeeds else 3)


async def test_refusals_are_not_retried_by_the_executor(tmp_path: Path) -> None:
    backend = SandboxRetrievalBackend(small_corpus(tmp_path))
    executor = ToolExecutor(Toolset(TOOLS, deps=backend), clock=FakeClock())
    with pytest.raises(ToolRefusedError) as caught:
        await executor.call("get_document", {"doc_id": "polic"})
    assert caught.value.reason == "not_found"
    assert caught.value.tool == "get_document"
    assert "'policy'" in caught.value.hint


async def test_the_index_is_built_on_first_use_only(tmp_path: Path) -> None:
    folder = small_corpus(tmp_path)
    backend = SandboxRetrievalBackend(folder)
    # Construction reads nothing: a file added now is indexed at the first call.
    (folder / "late.md").write_text("# Late\n\nAdded after construction.", encoding="utf-8")
    assert [d.id for d in await backend.list_documents()] == ["late", "notes", "policy"]
    engine = backend.engine()
    await backend.search("tipping", 1)
    assert backend.engine() is engine


def test_a_missing_corpus_folder_is_reported_at_first_use(tmp_path: Path) -> None:
    backend = SandboxRetrievalBackend(tmp_path / "missing")
    with pytest.raises(Exception, match="does not exist or is not a folder"):
        backend.engine()


def test_the_audit_of_the_bundled_corpus_is_clean(
    corpus_sandbox: SandboxRetrievalBackend,
) -> None:
    assert corpus_sandbox.audit() == []
    assert corpus_sandbox.mode == "bm25"
