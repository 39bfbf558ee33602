"""The [ledger] config section, routing rules and the clerk column map."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.model import CLERK_FIELDS
from flows.ledger import LedgerSettings
from flows.ledger.columns import CLERK_KEYS
from flows.ledger.routing import route
from flows.ledger.settings import RoutingSettings
from petitionbot import config
from tests.factories import make_petition


def test_clerk_columns_are_exactly_the_models_clerk_fields():
    assert set(CLERK_KEYS) == set(CLERK_FIELDS)


def test_config_file_section_is_validated_with_the_key_named(tmp_path):
    good = tmp_path / "ok.toml"
    good.write_text('[ledger]\nbackups = 2\npersonal_data = "mask"\n[ledger.routing.by_locality]\n\"永福村\" = \"永福村村委会\"\n',
                    encoding="utf-8")
    s = config.load(good)
    assert s.ledger.backups == 2 and s.ledger.routing.by_locality == {"永福村": "永福村村委会"}
    bad = tmp_path / "bad.toml"
    bad.write_text("[ledger]\nbackup = 2\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match="ledger.backup"):
        config.load(bad)


def test_settings_reject_a_filename_without_year_and_aliases_to_nowhere():
    with pytest.raises(ValidationError):
        LedgerSettings(filename="台账.xlsx")
    with pytest.raises(ValidationError):
        LedgerSettings(status_aliases={"好了": "不存在的状态"})


def test_routing_ref_then_locality_then_category_then_default():
    rules = RoutingSettings(by_ref={"R1": "综治办"}, by_locality={"永福村": "永福村村委会"},
                            by_category={"环境保护": "城管环保办"}, default_unit="信访办")
    assert route(make_petition("R1"), rules) == "综治办"
    assert route(make_petition("R2", locality="永福村", category="环境保护"), rules) == "永福村村委会"
    assert route(make_petition("R3", locality="凤凰山社区", category="环境保护/噪声"), rules) == "城管环保办"
    assert route(make_petition("R4", locality="别处", category="其他"), rules) == "信访办"
    by_category_first = rules.model_copy(update={"prefer": "category"})
    assert route(make_petition("R5", locality="永福村", category="环境保护"), by_category_first) == "城管环保办"
