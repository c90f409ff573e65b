"""Reasons frozen as words before reasons had codes are read back as codes with parameters."""

from datetime import date

import pytest
from django.utils import translation

from targets import rules

REASONS = [
    ("not_started", {"start": "2026-03-01"}),
    ("done", {"completion": "100.0"}),
    ("overdue", {"deadline": "2025-12-31", "completion": "87.5"}),
    ("no_checkpoint", {}),
    ("behind", {"expected": "57.8", "completion": "0.0", "gap": "57.8"}),
    ("ahead", {"expected": "40.0", "completion": "52.1", "gap": "12.1"}),
    ("on_pace", {"expected": "50.0", "completion": "50.0"}),
    ("no_report", {}),
    ("within_ceiling", {"actual": "1,200", "target": "1,500"}),
    ("below_floor", {"actual": "3", "target": "5"}),
    ("missing", {"period": "2025-05", "due": "2025-05-25"}),
    ("missing", {"period": "2025-Q2", "due": "2025-06-25"}),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("code", "params"), REASONS)
def test_words_written_in_either_language_read_back_as_the_code_and_parameters(language, code, params):
    with translation.override(language):
        words = str(rules.Reason(code, **params))
    assert rules.reason_from_words(words) == [code, params]


def test_words_no_reason_writes_stay_words():
    assert rules.reason_from_words("县里另行说明") is None
    assert rules.reason_from_words("2025年13月进度填报截止于2025年5月25日，至今未报送") is None
    assert date(2025, 5, 25)  # dates in words are parsed, not guessed: a 13th month is no month


@pytest.mark.django_db
def test_the_migration_stores_old_snapshot_words_as_codes_and_keeps_words_no_reason_writes(indicator):
    import importlib

    from django.apps import apps

    from supervision.models import StatusSnapshot

    migration = importlib.import_module("supervision.migrations.0006_snapshot_reason_codes")
    with translation.override("zh-hans"):
        words = [str(rules.Reason("missing", period="2025-05", due="2025-05-25")), "县里另行说明"]
    old = StatusSnapshot.objects.create(indicator=indicator, as_of=date(2025, 5, 31), status="red", reasons=words)
    migration.reasons_to_codes(apps, None)
    old.refresh_from_db()
    assert old.reasons == [["missing", {"period": "2025-05", "due": "2025-05-25"}], "县里另行说明"]
    with translation.override("zh-hans"):
        assert old.reason_words == words
