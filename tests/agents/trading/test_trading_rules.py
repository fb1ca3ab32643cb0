"""The trading limits as business rules: data that reads back equal, validated against the tools."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from plangate.agents.trading.rules import (
    SHORT_SELLING,
    daily_loss_rule,
    notional_rules,
    position_share_rules,
    restricted_rule,
)
from plangate.graphs.guards.business_rules import BusinessRule, BusinessRules
from plangate.graphs.guards.rule_checks import Compare
from plangate.graphs.guards.rule_files import dump_rules, rules_from_data
from plangate.graphs.guards.rule_terms import Arg, Const
from plangate.tools.domains.catalog import all_tools
from plangate.tools.errors import UsageError

RULES = [
    restricted_rule(("GME", "tsla")),
    SHORT_SELLING,
    *notional_rules(Decimal(25_000)),
    *position_share_rules(Decimal("0.20")),
    daily_loss_rule(Decimal("0.03")),
]


def test_the_trading_rules_are_data_that_reads_back_equal() -> None:
    text = dump_rules(RULES)
    assert rules_from_data(yaml.safe_load(text), "trading.yaml") == RULES
    assert "- id: no_short_selling" in text
    assert str(SHORT_SELLING) == (
        'no_short_selling: place_order when args.side == "sell" requires args.qty <= held'
    )


def test_the_trading_rules_fit_the_real_tools() -> None:
    BusinessRules(RULES, all_tools())  # raises on any path, lookup or kind that does not fit
    typo = BusinessRule("typo", "place_order", Compare(Arg("quantity"), "<", Const(5)), "m")
    with pytest.raises(UsageError, match=r"rule 'typo': argument 'quantity': no field"):
        BusinessRules([typo], all_tools())
