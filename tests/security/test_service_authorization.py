"""The services refuse a caller who may not act, whoever calls them (a command, a task, a new view): the
views check first, and the services check again (defence in depth)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import AuditEvent, Role, User
from accounts.services.users import user_create, user_fingerprint, user_update
from regions.models import Region
from reports import services as report_services
from reports.excel.progress import template_download
from reports.models import DocumentFrame, ReportKind
from supervision import services as supervision_services
from supervision.models import SupervisionItem, SupervisionStatus
from villages.services import region_import

from ..factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

FRAME = dict.fromkeys(report_services.FRAME_FIELDS, "测试县领导小组办公室") | {
    "number_pattern": "测办发〔{year}〕{n}号"
}


@pytest.fixture
def elsewhere():
    """The supervision office of another county."""
    return UserFactory(role=Role.SUPERVISOR, region=RegionFactory(name="别县"))


def test_a_generated_reports_file_is_opened_only_by_a_reader_of_its_region(
    county, supervisor, dept_reporter, elsewhere
):
    report = report_services.report_request(region=county, kind=ReportKind.MONTHLY, month=date(2025, 5, 1))
    report = report_services.report_generate(report_id=report.pk)
    for outsider in (dept_reporter, elsewhere):
        with pytest.raises(PermissionDenied):
            report_services.report_file_open(report=report, fmt="docx", by=outsider)
    assert not AuditEvent.objects.filter(action="report.download").exists()
    report_services.report_file_open(report=report, fmt="docx", by=supervisor).close()
    assert AuditEvent.objects.filter(action="report.download", username=supervisor.username).exists()


def test_only_the_office_of_the_region_saves_its_document_frame(county, supervisor, dept_reporter, elsewhere):
    for outsider in (dept_reporter, elsewhere):
        with pytest.raises(PermissionDenied):
            report_services.document_frame_save(region=county, by=outsider, expected_version=None, **FRAME)
    assert not DocumentFrame.objects.exists()
    report_services.document_frame_save(region=county, by=supervisor, expected_version=None, **FRAME)
    assert DocumentFrame.objects.get(region=county).version == 1


def test_only_the_office_of_the_items_region_closes_it_out_or_sends_it_back(
    indicator, dept, supervisor, dept_reporter, elsewhere
):
    item = SupervisionItem.objects.create(
        indicator=indicator,
        unit=dept,
        notice="请说明进度滞后原因",
        reply_due=timezone.localdate() + timedelta(days=7),
        issued_by=supervisor,
        light_when_issued="red",
        status=SupervisionStatus.ANSWERED,
        measures="已落实",
        promised_date=timezone.localdate() + timedelta(days=30),
    )
    with pytest.raises(PermissionDenied):
        supervision_services.supervision_item_close(item=item, by=elsewhere)
    with pytest.raises(PermissionDenied):
        supervision_services.supervision_item_send_back(item=item, by=elsewhere, comment="重写")
    item.refresh_from_db()
    assert item.status == SupervisionStatus.ANSWERED
    assert supervision_services.supervision_item_close(item=item, by=supervisor).status == SupervisionStatus.CLOSED


def test_only_the_office_imports_regions_and_the_command_imports_as_the_system(county, dept_reporter):
    data = "统计用区划代码,城乡分类代码,名称\n330305100000,,大门镇\n".encode()
    with pytest.raises(PermissionDenied):
        region_import(name="regions.csv", data=data, by=dept_reporter)
    assert not Region.objects.filter(code="330305100000").exists()
    assert region_import(name="regions.csv", data=data, by=None)["created"] == 1


def test_only_an_administrator_creates_and_changes_accounts(dept, supervisor, dept_reporter):
    fields = {"username": "xinren", "role": Role.REPORTER, "unit": dept}
    with pytest.raises(PermissionDenied):
        user_create(by=supervisor, password="Xin-ren-2025!", **fields)
    assert not User.objects.filter(username="xinren").exists()
    with pytest.raises(PermissionDenied):
        user_update(
            user=dept_reporter, by=supervisor, expected_fingerprint=user_fingerprint(dept_reporter), is_active=False
        )
    dept_reporter.refresh_from_db()
    assert dept_reporter.is_active
    admin = UserFactory(role=Role.ADMIN, is_staff=True)
    assert user_create(by=admin, password="Xin-ren-2025!", **fields).must_change_password


def test_a_units_offline_workbook_is_made_only_for_its_own_reporters(dept, dept_reporter, stranger, supervisor):
    for outsider in (stranger, supervisor):
        with pytest.raises(PermissionDenied):
            template_download(unit=dept, period="2025-05", by=outsider)
    assert not AuditEvent.objects.filter(action="progress.template").exists()
    assert template_download(unit=dept, period="2025-05", by=dept_reporter).startswith(b"PK")
