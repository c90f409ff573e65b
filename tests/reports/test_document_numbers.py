"""The office's register of document numbers: one sequence per kind where the pattern names the kind, one
register where it does not, never one number for two documents, not even when two workers number at once."""

import os
import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from reports import services
from reports.models import DocumentFrame, DocumentNumber, ReportKind
from reports.selectors import document_frame_for

MAY, JUNE = date(2025, 5, 31), date(2025, 6, 30)


def _assign(frame, kind, period_end=None, word=None, item=None):
    words = {ReportKind.MONTHLY: "通报", ReportKind.QUARTERLY: "调度", "notice": "督办"}
    return services.document_number_assign(
        frame=frame, kind=kind, year=2025, word=word or words[kind], period_end=period_end, item=item
    ).number


@pytest.mark.django_db
def test_a_pattern_naming_the_kind_numbers_each_kind_on_its_own(county):
    frame = document_frame_for(county)  # the default pattern {region}{word}〔{year}〕{n}号
    assert _assign(frame, ReportKind.MONTHLY, MAY) == "洞头区通报〔2025〕1号"
    assert _assign(frame, ReportKind.QUARTERLY, JUNE) == "洞头区调度〔2025〕1号"
    assert _assign(frame, ReportKind.MONTHLY, JUNE) == "洞头区通报〔2025〕2号"
    assert _assign(frame, ReportKind.MONTHLY, MAY) == "洞头区通报〔2025〕1号"  # asked again: the same number


@pytest.mark.django_db
def test_a_pattern_without_the_kind_gives_every_document_the_next_number_of_one_register(county):
    frame = DocumentFrame.default_for(county)
    frame.number_pattern = "洞政办督〔{year}〕{n}号"
    frame.save()
    numbers = [
        _assign(frame, ReportKind.MONTHLY, MAY),
        _assign(frame, ReportKind.QUARTERLY, JUNE),
        _assign(frame, ReportKind.MONTHLY, JUNE),
    ]
    assert numbers == ["洞政办督〔2025〕1号", "洞政办督〔2025〕2号", "洞政办督〔2025〕3号"]
    # Changed to name the kind and back: a number the region has already given is skipped.
    DocumentNumber.objects.create(
        region=county, sequence="洞政办督〔2025〕{n}号 (old)", serial=1, number="洞政办督〔2025〕4号", kind="notice"
    )
    assert _assign(frame, ReportKind.QUARTERLY, date(2025, 9, 30)) == "洞政办督〔2025〕5号"


@pytest.mark.django_db
def test_the_register_refuses_a_second_document_with_a_number_or_a_serial(county):
    frame = document_frame_for(county)
    number = services.document_number_assign(
        frame=frame, kind=ReportKind.MONTHLY, year=2025, word="通报", period_end=MAY
    )
    for clash in (
        {"sequence": number.sequence, "serial": number.serial, "number": "另一个〔2025〕1号"},
        {"sequence": "另一个〔2025〕{n}号", "serial": 1, "number": number.number},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            DocumentNumber.objects.create(region=county, kind="notice", **clash)


POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.mark.skipif(not POSTGRES, reason="concurrent transactions need PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_workers_numbering_at_once_never_give_one_number_twice(county):
    frame = document_frame_for(county)
    start, numbers, errors = threading.Barrier(6), [], []

    def number(month):
        try:
            start.wait()
            numbers.append(_assign(frame, ReportKind.MONTHLY, date(2025, month, 28)))
        except Exception as error:  # noqa: BLE001 - the test reports any failure of a worker
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=number, args=(month,)) for month in range(1, 7)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert sorted(numbers) == sorted(f"洞头区通报〔2025〕{n}号" for n in range(1, 7))
