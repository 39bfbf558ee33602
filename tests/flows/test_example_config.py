from pathlib import Path

from petitionbot import config


def test_the_shipped_example_config_is_valid():
    settings = config.load(Path(__file__).parents[2] / "docs" / "petitionbot.example.toml")
    assert settings.upstream[0].username == "yhjd01"
    assert settings.ledger.routing.by_locality["永福村"] == "永福村村委会"
    assert settings.deadlines.profile == "zhejiang"
