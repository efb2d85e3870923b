"""The machine-readable outputs parse and have the promised shape."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from site_htmlcheck import parse
from site_kbdata import RELEASES, Export

from troubleshoot.kbstore import Store
from troubleshoot.site.osv import Unconvertible, range_events
from troubleshoot.versions import release_status

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _json(export: Export, rel: str) -> object:
    return json.loads((export.root / rel).read_text(encoding="utf-8"))


def test_entries_api(exported: Export) -> None:
    data = _json(exported, "api/entries.json")
    assert isinstance(data, dict)
    ids = [e["id"] for e in data["entries"]]
    assert (
        ids
        == sorted(ids)
        == ["alpha-pickle", "beta-reload-windows", "gamma-main-guard", "xss-probe"]
    )
    alpha = data["entries"][0]
    assert alpha["url"] == "https://doctor.example.org/uvicorn/fixes/alpha-pickle/"
    versions = [r["version"] for r in alpha["evidence"]]
    assert versions == ["0.10.0", "0.10.1", "0.10.3", "0.10.5", "0.10.6"]
    assert alpha["affected"][0]["specifier"] == ">=0.10.1,<0.10.6"


def test_search_index_matches_the_embedded_copy(exported: Export) -> None:
    index = _json(exported, "api/search-index.json")
    page = parse(exported.root / "index.html")
    embedded = next(body for attrs, body in page.scripts if attrs.get("id") == "search-data")
    assert json.loads(embedded) == index
    assert isinstance(index, dict)
    assert index["releases"] == {"uvicorn": RELEASES}
    assert index["status_codes"] == {
        "a": "affected",
        "c": "conditional",
        "f": "fixed",
        "n": "not-affected",
        "v": "any-version",
    }
    beta = next(r for r in index["records"] if r["id"] == "beta-reload-windows")
    assert beta["url"] == "fixes/beta-reload-windows/index.html"
    assert "affected" not in beta  # no ranges: the browser looks verdicts up
    codes = index["status_codes"]
    store = Store.open(exported.settings)
    try:
        for entry in store.entries():
            record = next(r for r in index["records"] if r["id"] == entry.id)
            assert record["package"] == "uvicorn"
            assert record["fixed_in"] == (entry.fixed_in or "")
            assert [codes[c] for c in record["by_release"]] == [
                release_status(entry, v) for v in RELEASES
            ]
    finally:
        store.close()
    # 0.11.0 to 0.11.3 on Windows only. PEP 440: `<0.12.0` leaves out the pre-releases of
    # 0.12.0, and 0.12.0b1 is below the fixed release: not affected, not "fixed".
    conditional = ["0.11.0", "0.11.0.post1", "0.11.1", "0.11.2", "0.11.3"]
    assert dict(zip(RELEASES, beta["by_release"], strict=True)) == dict.fromkeys(RELEASES, "n") | (
        dict.fromkeys(conditional, "c") | dict.fromkeys(["0.12.0", "0.13.0", "1.0.0"], "f")
    )


def test_each_fix_page_carries_its_own_verdict_table(exported: Export) -> None:
    index = _json(exported, "api/search-index.json")
    assert isinstance(index, dict)
    for record in index["records"]:
        page = parse(exported.root / record["url"])
        blocks = [body for attrs, body in page.scripts if attrs.get("id") == "verdict-data"]
        if record["by_release"] == "v" * len(RELEASES):
            assert blocks == []  # not version-specific: a sentence, no box
            continue
        data = json.loads(blocks[0])
        assert data == {
            "releases": {"uvicorn": RELEASES},
            "status_codes": index["status_codes"],
            "record": {
                k: record[k]
                for k in ("id", "package", "fixed_in", "by_release", "when", "when_by_release")
            },
        }


def test_osv_shape(exported: Export) -> None:
    records = _json(exported, "api/osv.json")
    assert isinstance(records, list)
    # Only version-bug and regression entries: the misuse entry is not a vulnerability-like range.
    assert [r["id"] for r in records] == [
        "UVICORN-DOCTOR-alpha-pickle",
        "UVICORN-DOCTOR-beta-reload-windows",
        "UVICORN-DOCTOR-xss-probe",
    ]
    for record in records:
        assert record == _json(exported, f"api/osv/{record['id']}.json")
        assert record["schema_version"] == "1.6.0"
        assert RFC3339.match(record["modified"])
        assert record["summary"] and record["details"]
        for ref in record["references"]:
            assert ref["type"] in {"ADVISORY", "ARTICLE", "REPORT", "FIX", "PACKAGE", "WEB"}
            assert ref["url"].startswith("https://")
        for affected in record["affected"]:
            assert affected["package"] == {
                "ecosystem": "PyPI",
                "name": "uvicorn",
                "purl": "pkg:pypi/uvicorn",
            }
            for rng in affected["ranges"]:
                assert rng["type"] == "ECOSYSTEM"
                assert "introduced" in rng["events"][0]
    alpha, beta, hostile = records
    assert alpha["modified"] == "2026-01-03T00:00:00Z"
    assert alpha["affected"][0]["ranges"][0]["events"] == [
        {"introduced": "0.10.1"},
        {"fixed": "0.10.6"},
    ]
    assert beta["affected"][0]["ecosystem_specific"]["marker"] == "sys_platform == 'win32'"
    # '>0.1' has no exact OSV form: left out, with the reason, rather than widened.
    assert hostile["affected"] == []
    assert hostile["database_specific"]["unconverted"][0]["specifier"] == ">0.1,<1.0.0"


@pytest.mark.parametrize(
    ("specifier", "events"),
    [
        (">=0.10.1,<0.10.6", [{"introduced": "0.10.1"}, {"fixed": "0.10.6"}]),
        ("<0.11.4", [{"introduced": "0"}, {"fixed": "0.11.4"}]),
        ("<=0.11.3", [{"introduced": "0"}, {"last_affected": "0.11.3"}]),
        ("==0.10.3", [{"introduced": "0.10.3"}, {"last_affected": "0.10.3"}]),
        ("~=0.10.1", [{"introduced": "0.10.1"}, {"fixed": "0.11"}]),
        ("==0.13.*", [{"introduced": "0.13"}, {"fixed": "0.14"}]),
        (">=0.12", [{"introduced": "0.12"}]),
        (">=0.5,>=0.12,<0.20,<0.14", [{"introduced": "0.12"}, {"fixed": "0.14"}]),
        ("<0.14,<=0.14", [{"introduced": "0"}, {"fixed": "0.14"}]),
    ],
)
def test_range_events(specifier: str, events: list[dict[str, str]]) -> None:
    assert range_events(specifier) == events


@pytest.mark.parametrize("specifier", [">0.1", "!=0.10.3", ">=0.1,!=0.2", "===0.1", ">=2,<1"])
def test_range_events_refuses_what_osv_cannot_say(specifier: str) -> None:
    with pytest.raises(Unconvertible):
        range_events(specifier)


GRID = [f"0.{minor}.{patch}" for minor in range(8, 16) for patch in range(0, 8)] + [
    "0.9",
    "0.11",
    "1.0.0",
    "0.0.1",
]


@pytest.mark.parametrize(
    "specifier", [">=0.10.1,<0.10.6", "<0.11.4", "<=0.11.3", "==0.10.3", "~=0.10.1", "==0.13.*"]
)
def test_events_mean_what_the_specifier_means(specifier: str) -> None:
    """OSV's reading of the events equals PEP 440's reading of the specifier on a grid."""
    events = range_events(specifier)
    low = Version(events[0]["introduced"])
    end = events[1] if len(events) > 1 else {}
    for text in GRID:
        v = Version(text)
        in_events = v >= low and (
            ("fixed" not in end or v < Version(end["fixed"]))
            and ("last_affected" not in end or v <= Version(end["last_affected"]))
        )
        assert in_events == SpecifierSet(specifier).contains(v, prereleases=True), text


def test_atom_feed(exported: Export, exported_plain: Export) -> None:
    root = ET.parse(exported.root / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == "https://doctor.example.org/uvicorn/"
    assert root.findtext(f"{ATOM}updated") == "2026-01-03T00:00:00Z"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 4
    for entry in entries:
        assert entry.findtext(f"{ATOM}title")
        assert RFC3339.match(entry.findtext(f"{ATOM}updated") or "")
        assert entry.find(f"{ATOM}link") is not None
    assert entries[0].findtext(f"{ATOM}id") == (
        "https://doctor.example.org/uvicorn/fixes/alpha-pickle/"
    )
    plain = ET.parse(exported_plain.root / "feed.xml").getroot()
    ids = [e.findtext(f"{ATOM}id") or "" for e in plain.findall(f"{ATOM}entry")]
    assert all(i.startswith("urn:uuid:") for i in ids) and len(set(ids)) == 4


def test_sitemap(exported: Export, exported_plain: Export) -> None:
    root = ET.parse(exported.root / "sitemap.xml").getroot()
    assert root.tag == f"{SM}urlset"
    locs = [u.findtext(f"{SM}loc") for u in root.findall(f"{SM}url")]
    assert locs[0] == "https://doctor.example.org/uvicorn/"
    assert "https://doctor.example.org/uvicorn/fixes/xss-probe/" in locs
    assert len(locs) == 5
    lastmods = {
        u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.findall(f"{SM}url")
    }
    assert lastmods["https://doctor.example.org/uvicorn/fixes/alpha-pickle/"] == "2026-01-03"
    assert (
        "Sitemap: https://doctor.example.org/uvicorn/sitemap.xml"
        in (exported.root / "robots.txt").read_text()
    )
    assert not (exported_plain.root / "sitemap.xml").exists()


def test_json_ld_tech_article(exported: Export) -> None:
    page = parse(exported.root / "fixes" / "alpha-pickle" / "index.html")
    ld = json.loads(
        next(body for attrs, body in page.scripts if attrs.get("type") == "application/ld+json")
    )
    assert ld["@type"] == "TechArticle" and ld["@context"] == "https://schema.org"
    assert ld["headline"] == "Can't pickle local object with workers"
    assert ld["url"] == "https://doctor.example.org/uvicorn/fixes/alpha-pickle/"
    assert ld["dateModified"] == "2026-01-03"
