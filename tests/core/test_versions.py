"""core.versions.check_version, the one version check: a row read at one version and written at another is refused."""

from types import SimpleNamespace

import pytest

from core.versions import ConflictError, check_version

ROW = SimpleNamespace(version=3)


def test_the_version_read_passes_and_any_other_is_refused_with_both_versions_named():
    check_version(ROW, 3, "now %(version)s, had %(had)s")
    check_version(ROW, "3", "now %(version)s")  # a header's or a form's text
    with pytest.raises(ConflictError) as caught:
        check_version(ROW, 2, "now %(version)s, had %(had)s", changes={"value": 5})
    assert str(caught.value) == "now 3, had 2" and caught.value.current is ROW and caught.value.changes == {"value": 5}


def test_no_version_skips_the_check_unless_it_is_required():
    check_version(ROW, None, "changed")
    with pytest.raises(ConflictError):
        check_version(ROW, None, "changed", required=True)


def test_a_row_not_made_yet_is_found_so_only_by_a_client_that_read_none():
    check_version(None, None, "changed", required=True)
    with pytest.raises(ConflictError) as caught:
        check_version(None, 1, "someone saved it meanwhile (now %(version)s)")
    assert caught.value.current is None and str(caught.value) == "someone saved it meanwhile (now None)"


def test_a_row_without_a_version_field_is_checked_by_its_fingerprint_and_a_missing_one_is_refused():
    row = SimpleNamespace(name="农村改厕")
    check_version(row, "a1b2", "changed", required=True, fingerprint="a1b2")
    for stale in ("c3d4", None):
        with pytest.raises(ConflictError) as caught:
            check_version(row, stale, "changed (now %(version)s)", required=True, fingerprint="a1b2")
        assert caught.value.current is row and str(caught.value) == "changed (now a1b2)"
