"""The start-up fast path for version ranges agrees with packaging."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from troubleshoot.pep440 import fast_contains
from troubleshoot.versions import contains

release = st.lists(st.integers(0, 12), min_size=1, max_size=4).map(
    lambda parts: ".".join(map(str, parts))
)
version = st.one_of(
    release, st.tuples(release, st.integers(0, 3)).map(lambda t: f"{t[0]}.post{t[1]}")
)
clause = st.tuples(st.sampled_from(["==", "!=", "<=", ">=", "<", ">"]), version).map("".join)
specifier = st.lists(clause, min_size=1, max_size=3).map(",".join)


@given(specifier, version)
def test_fast_path_agrees_with_packaging(spec: str, ver: str) -> None:
    expected = SpecifierSet(spec).contains(Version(ver), prereleases=True)
    assert fast_contains(spec, ver) is expected


def test_unusual_forms_fall_back_to_packaging() -> None:
    assert fast_contains("~=0.10.1", "0.10.3") is None
    assert fast_contains("==0.10.*", "0.10.3") is None
    assert fast_contains(">=0.10", "0.11.0rc1") is None
    assert contains("~=0.10.1", "0.10.3") is True
    assert contains(">=0.10", "0.11.0rc1") is True
    assert contains(">=0.10", "not-a-version") is None
