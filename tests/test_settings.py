"""Settings are declared once, documented, and overridable from BELONG_* variables."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from belong_graph.settings import Settings, documented_settings


def test_every_setting_is_documented() -> None:
    helps = documented_settings()
    assert set(helps) == {f.name for f in dataclasses.fields(Settings)}
    assert all(len(text) > 10 for text in helps.values())


def test_every_setting_is_named_in_the_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    missing = [name for name in documented_settings() if f"`{name}`" not in readme]
    assert missing == []


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BELONG_PORT", "9123")
    monkeypatch.setenv("BELONG_BASE_IRI", "http://example.org/lib/")
    monkeypatch.setenv("BELONG_DATA_PATHS", f"{tmp_path}/a:{tmp_path}/b")
    settings = Settings.load()
    assert settings.port == 9123
    assert settings.base_iri == "http://example.org/lib/"
    assert settings.data_paths == (tmp_path / "a", tmp_path / "b")


def test_explicit_overrides_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BELONG_PORT", "9123")
    assert Settings.load({"port": 7000}).port == 7000
