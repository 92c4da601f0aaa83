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


def test_no_default_names_a_real_mailbox_or_belong_as_publisher() -> None:
    settings = Settings()
    assert settings.contact_email == settings.contact == "data@example.org"  # RFC 2606
    assert settings.publisher_name == "belong-graph"
    assert settings.publisher_url == ""
    defaults = " ".join(str(getattr(settings, f.name)) for f in dataclasses.fields(Settings))
    assert "@belongnetwork" not in defaults and "www.belongnetwork.co.uk" not in defaults
    assert "Belong - The Cohesion" not in defaults


def test_the_operator_sets_publisher_contact_and_licence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BELONG_PUBLISHER_NAME", "Example Research Library")
    monkeypatch.setenv("BELONG_PUBLISHER_URL", "https://library.example.net/")
    monkeypatch.setenv("BELONG_CONTACT_EMAIL", "harvesting@library.example.net")
    monkeypatch.setenv("BELONG_LICENCE", "https://creativecommons.org/publicdomain/zero/1.0/")
    monkeypatch.setenv("BELONG_LICENCE_NAME", "CC0 1.0 Universal")
    settings = Settings.load()
    assert settings.publisher_name == "Example Research Library"
    assert settings.publisher_url == "https://library.example.net/"
    assert settings.contact == "harvesting@library.example.net"
    assert settings.licence == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert settings.licence_name == "CC0 1.0 Universal"
    assert settings.contact_warning() is None


@pytest.mark.parametrize("contact", ["data@example.org", ""])
def test_an_unset_contact_is_the_placeholder_and_is_warned_about(contact: str) -> None:
    settings = Settings.load({"contact_email": contact})
    assert settings.contact == "data@example.org"
    warning = settings.contact_warning()
    assert warning is not None
    assert "placeholder data@example.org" in warning and "BELONG_CONTACT_EMAIL" in warning
