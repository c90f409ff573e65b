"""The dashboards' lists as .xlsx and .docx go out under the office that set its document frame, reopened with
openpyxl and python-docx: the frame's signature as author and creator, the region's name until a frame is saved."""

from io import BytesIO

import pytest
import time_machine
from django.urls import resolve, reverse
from docx import Document
from openpyxl import load_workbook

from reports.models import DocumentFrame
from reports.views import lists

OFFICE = "洞头区巩固衔接工作领导小组办公室"
EXPORTS = [
    "list-export",
    "list-export-docx",
    "league-export",
    "league-export-docx",
    "items-export",
    "items-export-docx",
]


def _people(response) -> tuple[str, str]:
    """Who the file says wrote it and last changed it."""
    assert response.status_code == 200
    if response["Content-Type"].endswith("wordprocessingml.document"):
        props = Document(BytesIO(response.content)).core_properties
        return props.author, props.last_modified_by
    props = load_workbook(BytesIO(response.content)).properties
    return props.creator, props.lastModifiedBy


def _frame(county):
    return DocumentFrame.objects.create(
        region=county,
        organ_mark="洞头区巩固衔接工作领导小组办公室文件",
        number_pattern="洞巩衔办发〔{year}〕{n}号",
        main_recipients="各乡镇（街道），区直有关部门：",
        signature=OFFICE,
        printed_by=OFFICE,
    )


@pytest.mark.django_db
@time_machine.travel("2025-07-01 10:00 +08:00", tick=False)
@pytest.mark.parametrize("name", EXPORTS)
def test_a_list_exported_by_a_county_with_a_frame_names_its_office(client, supervisor, county, indicator, name):
    _frame(county)
    client.force_login(supervisor)
    assert _people(client.get(reverse(f"supervision:{name}"))) == (OFFICE, OFFICE)


@pytest.mark.django_db
@time_machine.travel("2025-07-01 10:00 +08:00", tick=False)
@pytest.mark.parametrize("name", EXPORTS)
def test_a_list_exported_by_a_county_without_a_frame_names_the_county(client, supervisor, county, indicator, name):
    client.force_login(supervisor)
    assert _people(client.get(reverse(f"supervision:{name}"))) == ("洞头区", "洞头区")


@pytest.mark.django_db
def test_a_units_reporter_exports_its_own_ledger_under_the_units_name(client, dept_reporter, county, indicator):
    _frame(county)
    client.force_login(dept_reporter)
    for name in ("items-export", "items-export-docx"):
        assert _people(client.get(reverse(f"supervision:{name}"))) == (dept_reporter.unit.name,) * 2


def test_the_exports_keep_their_supervision_paths_and_are_served_by_reports():
    assert reverse("supervision:list-export") == "/supervision/list/export.xlsx"
    assert reverse("supervision:league-export-docx") == "/supervision/league/export.docx"
    assert reverse("supervision:items-export") == "/supervision/items/export.xlsx"
    assert resolve("/supervision/list/export.docx").func is lists.flagged_export
