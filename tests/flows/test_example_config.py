from pathlib import Path

from petitionbot import config


def test_the_shipped_example_config_is_valid():
    settings = config.load(Path(__file__).parents[2] / "docs" / "petitionbot.example.toml")
    assert settings.upstream[0].username == "yhjd01"
    assert settings.ledger.routing.by_locality["永福村"] == "永福村村委会"
    assert settings.deadlines.profile == "zhejiang"


def test_the_example_second_upstream_reads_when_uncommented(tmp_path):
    """The commented [[upstream]] block for the hotline is valid as soon as a clerk removes the #."""
    text = (Path(__file__).parents[2] / "docs" / "petitionbot.example.toml").read_text(encoding="utf-8")
    block = text[text.index("# [[upstream]]"):text.index("[storage]")]
    opened = "\n".join(line[2:] if line.startswith("# ") else line for line in block.splitlines())
    cfg = tmp_path / "petitionbot.toml"
    cfg.write_text(text.replace(block, opened + "\n"), encoding="utf-8")
    settings = config.load(cfg)
    assert [(u.name, u.site) for u in settings.upstream] == [("district", "district"), ("hotline", "hotline")]
    assert settings.upstream[1].password_env == "PETITIONBOT_UPSTREAM_HOTLINE_PASSWORD"
