"""Fixtures: the site-test KB exported once per session (tests only read it)."""

from __future__ import annotations

import pytest
from site_kbdata import BASE_URL, Export, write_site_kb

from troubleshoot.config import Settings
from troubleshoot.site.export import export_site


@pytest.fixture(scope="session")
def site_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return write_site_kb(tmp_path_factory.mktemp("sitekb"))


@pytest.fixture(scope="session")
def exported(site_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Export:
    """The test KB exported once with a base URL (read-only for the tests)."""
    out = tmp_path_factory.mktemp("export") / "site"
    export_site(site_settings, out, BASE_URL)
    return Export(site_settings, out, BASE_URL)


@pytest.fixture(scope="session")
def exported_plain(site_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Export:
    """The same KB exported without a base URL."""
    out = tmp_path_factory.mktemp("export-plain") / "site"
    export_site(site_settings, out)
    return Export(site_settings, out, None)
