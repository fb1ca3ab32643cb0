"""The AgentDojo benchmark's adapter, attacker and gates on a few real cases (needs the bench extra).

The full run (949 cases, defences off and on) is ``python -m bench --only agentdojo``; here a
handful of banking cases show that the tools change AgentDojo's environment for real, that the
compliant attacker's injected transfer runs with the defences off and is refused with them on,
and that the effect tables cover every function that changes state.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("agentdojo")

from bench.agentdojo.cases import SuiteRunner
from bench.agentdojo.effects import WRITES, check_tables, effect_of
from bench.agentdojo.measure import attack, suites

STATEFUL_READS = {"get_unread_emails"}  # marks the e-mails it returns read
WRITE_VERBS = (
    "send_", "delete_", "create_", "update_", "reserve_", "cancel_", "reschedule_", "add_",
    "append_", "share_", "invite_", "remove_", "post_", "schedule_",
)  # fmt: skip


@pytest.fixture(scope="module")
def all_suites() -> dict[str, Any]:
    return suites()


def test_every_function_that_changes_state_is_a_write(all_suites: dict[str, Any]) -> None:
    assert set(all_suites) == set(WRITES)
    for name, suite in all_suites.items():
        functions = [f.name for f in suite.tools]
        check_tables(name, functions)
        for function in functions:
            writes = function.startswith(WRITE_VERBS) or function in STATEFUL_READS
            expected = "write" if writes else "read"
            assert effect_of(name, function) == expected, f"{name}.{function}"


def test_the_tables_refuse_a_function_the_suite_lacks() -> None:
    with pytest.raises(ValueError, match="lacks"):
        check_tables("banking", ["get_iban"])


async def test_an_injected_transfer_runs_undefended_and_is_refused_defended(
    all_suites: dict[str, Any],
) -> None:
    banking = all_suites["banking"]
    user = banking.user_tasks["user_task_0"]
    injection = banking.injection_tasks["injection_task_1"]
    planted = attack(banking).attack(user, injection)
    off = await SuiteRunner(banking, defended=False).run(user, injection, planted)
    assert (off.attacked, off.injected_writes, off.executed) == (True, 1, 1)
    defended = SuiteRunner(banking, defended=True)
    on = await defended.run(user, injection, planted)
    assert (on.attacked, on.executed, on.refused, on.utility) == (False, 0, 1, True)
    # The user's own transfer ran against the environment; the injected one did not.
    assert [name for name, _ in defended.bench.calls].count("send_money") == 1


async def test_a_user_task_alone_succeeds_without_a_prompt(all_suites: dict[str, Any]) -> None:
    banking = all_suites["banking"]
    result = await SuiteRunner(banking, defended=True).run(banking.user_tasks["user_task_0"])
    assert (result.status, result.utility, result.prompts, result.injected_writes) == (
        "done", True, 0, 0,
    )  # fmt: skip
