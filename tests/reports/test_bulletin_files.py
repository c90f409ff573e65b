"""Generated bulletins on the demo data: the .docx, the .xlsx and the page agree with the frozen snapshot."""
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from accounts.models import User
from reports import services
from reports.bulletins.document import format_cell, table
from reports.models import GeneratedReport, ReportKind, ReportState
from supervision.models import StatusSnapshot
from targets.choices import Light
from targets.demo import xunyi
from targets.demo_loader import demo_load
from targets.models import Milestone
from villages.models import Region

# The bulletin day of May 2026: the day after the due date (25th), 08:00 in Shanghai.
BULLETIN_MORNING = datetime(2026, 5, 26, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MAY_END = date(2026, 5, 31)
LIGHT_ROWS = (Light.DONE, Light.GREEN, Light.AMBER, Light.RED, Light.NOT_STARTED)


@pytest.fixture(autouse=True)
def report_media():
    """Overrides the per-test media folder: this module's files were written once, by `demo`."""


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo counties loaded once for the module, their May 2026 reports generated, all rolled back after."""
    fast = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"),
                             PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with fast, django_db_blocker.unblock(), time_machine.travel(BULLETIN_MORNING, tick=False):
        with transaction.atomic():
            demo_load(today=BULLETIN_MORNING.date())
            services.schedules_seed()
            xunyi_region = Region.objects.get(code=xunyi.PLAN["region_code"])
            reports = {kind: _generate(xunyi_region, kind) for kind in (ReportKind.MONTHLY, ReportKind.QUARTERLY)}
            reports["dongtou"] = _generate(Region.objects.get(code="330305000000"), ReportKind.MONTHLY)
            yield reports
            transaction.set_rollback(True)


def _generate(region, kind):
    report = services.report_request(region=region, kind=kind, month=MAY_END)
    return services.report_generate(report_id=report.pk)


def _snapshot_counts(region) -> Counter:
    rows = StatusSnapshot.objects.filter(indicator__target__plan__region=region, as_of=MAY_END, unit__isnull=True)
    return Counter(rows.values_list("status", flat=True))


def _docx(report):
    with report.docx.open("rb") as f:
        return Document(BytesIO(f.read()))


def _xlsx(report):
    with report.xlsx.open("rb") as f:
        return load_workbook(BytesIO(f.read()))


def _docx_table(document, content, key):
    """The .docx table written for the content table `key` (tables are written in document order)."""
    keys = [b["key"] for b in content["blocks"] if b["type"] == "table"]
    return document.tables[keys.index(key)]


@pytest.mark.django_db
def test_bulletin_light_counts_match_the_frozen_snapshot_in_docx_xlsx_and_page(demo, client):
    for report in (demo[ReportKind.MONTHLY], demo["dongtou"]):
        assert report.status == ReportState.DONE
        expected = _snapshot_counts(report.region)
        assert sum(expected.values()) > 20  # the demo region really has indicators frozen at May's end
        want = [expected[light] for light in LIGHT_ROWS]
        docx_table = _docx_table(_docx(report), report.content, "lights")
        assert [int(row.cells[1].text.replace(",", "")) for row in docx_table.rows[1:6]] == want
        assert int(docx_table.rows[6].cells[1].text.replace(",", "")) == sum(want)
        sheet = _xlsx(report).worksheets[0]
        assert [sheet.cell(row=r, column=2).value for r in range(3, 8)] == want
        client.force_login(User.objects.get(username="sysadmin"))
        page = client.get(f"/reports/bulletins/{report.pk}/").content.decode()
        for light, n in zip(LIGHT_ROWS, want):
            assert f'data-label="{table(report.content, "lights")["columns"][1]["header"]}">{n}</td>' in page


@pytest.mark.django_db
def test_bulletin_text_quotes_the_numbers_of_its_tables(demo):
    report = demo[ReportKind.MONTHLY]
    counts = _snapshot_counts(report.region)
    overview = next(p.text for p in _docx(report).paragraphs if str(sum(counts.values())) in p.text)
    for light in LIGHT_ROWS:
        assert format_cell(counts[light], "int") in overview
    blocks = report.content["blocks"]
    red_at = blocks.index(table(report.content, "flagged_red"))
    assert len(blocks[red_at]["rows"]) == counts[Light.RED]
    assert blocks[red_at - 1]["type"] == "paragraph"
    assert format_cell(counts[Light.RED], "int") in blocks[red_at - 1]["text"]


@pytest.mark.django_db
def test_red_list_names_the_indicators_frozen_red_with_their_reasons(demo):
    report = demo[ReportKind.MONTHLY]
    red = StatusSnapshot.objects.filter(indicator__target__plan__region=report.region, as_of=MAY_END,
                                        unit__isnull=True, status=Light.RED).select_related("indicator")
    rows = table(report.content, "flagged_red")["rows"]
    assert sorted(r[0] for r in rows) == sorted(s.indicator.name for s in red)
    reasons = {s.indicator.name: "；".join(s.reasons) for s in red}
    assert all(row[4] == reasons[row[0]] for row in rows)
    docx_rows = _docx_table(_docx(report), report.content, "flagged_red").rows
    assert [r.cells[0].text for r in docx_rows[1:]] == [r[0] for r in rows]


@pytest.mark.django_db
def test_docx_is_laid_out_as_an_official_document(demo):
    document = _docx(demo[ReportKind.MONTHLY])
    section = document.sections[0]
    def mm(length):  # Word stores twips, so a millimetre comes back within a few hundredths
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert [mm(section.top_margin), mm(section.bottom_margin), mm(section.left_margin), mm(section.right_margin)] == [
        37, 35, 28, 26]
    doc_number, title = document.paragraphs[0], document.paragraphs[1]
    assert doc_number.text == "旬邑县" + doc_number.text[3:] and "〔2026〕5号" in doc_number.text
    assert title.runs[0].font.size == Pt(22) and title.runs[0].font.bold
    assert document.paragraphs[-1].text == "2026年5月26日"
    runs = [run for p in document.paragraphs for run in p.runs]
    runs += [run for t in document.tables for row in t.rows for cell in row.cells for p in cell.paragraphs
             for run in p.runs]
    east_asian = Counter(run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in runs)
    assert None not in east_asian and set(east_asian) <= {"宋体", "仿宋", "黑体", "楷体"}
    body = [p for p in document.paragraphs if p.paragraph_format.first_line_indent and p.runs[0].font.size == Pt(16)]
    headings = [p for p in body if p.text.startswith(("一、", "二、"))]
    assert headings and all(p.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体" for p in headings)
    sub = [p for p in body if p.text.startswith("（一）")]
    assert sub and all(p.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体" for p in sub)
    # Page numbers: odd pages at the right, even pages at the left, one character (size 4) in.
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert (odd.alignment, odd.paragraph_format.right_indent) == (WD_ALIGN_PARAGRAPH.RIGHT, Pt(14))
    assert (even.alignment, even.paragraph_format.left_indent) == (WD_ALIGN_PARAGRAPH.LEFT, Pt(14))
    for footer in (odd, even):
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert "PAGE" in footer._element.xml and footer.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


@pytest.mark.django_db
def test_xlsx_numbers_are_right_aligned_with_separators_and_amounts_keep_two_decimals(demo):
    report = demo["dongtou"]
    workbook = _xlsx(report)
    titles = [b["title"] for b in report.content["blocks"] if b["type"] == "table"]
    assert len(workbook.worksheets) == len(titles)
    lights = workbook.worksheets[0]
    assert lights["B3"].number_format == "#,##0" and lights["B3"].alignment.horizontal == "right"
    keys = [b["key"] for b in report.content["blocks"] if b["type"] == "table"]
    red = workbook.worksheets[keys.index("flagged_red")]
    gaps = [row[3] for row in red.iter_rows(min_row=3)]
    assert gaps and all(c.number_format == "#,##0.00" for c in gaps)
    assert [c.value for c in gaps] == [float(r[3]) if r[3] is not None else None
                                       for r in table(report.content, "flagged_red")["rows"]]
    league = workbook.worksheets[keys.index("league_units")]
    assert league["F3"].number_format == "0.0%"


@pytest.mark.django_db
def test_quarterly_dispatch_reports_xunyi_milestones_for_march_to_may(demo):
    report = demo[ReportKind.QUARTERLY]
    assert (report.period_start, report.period_end) == (date(2026, 3, 1), MAY_END)
    assert "〔2026〕1号" in report.content["doc_number"]  # May is Xunyi's first dispatch month
    rows = table(report.content, "milestones")["rows"]
    due = Milestone.objects.filter(indicator__target__plan__region=report.region, date__lte=MAY_END)
    frozen = dict(StatusSnapshot.objects.filter(indicator__target__plan__region=report.region, as_of=MAY_END,
                                                unit__isnull=True).values_list("indicator__name", "actual"))
    with translation.override(settings.LANGUAGE_CODE):  # the language reports are written in
        yes, no, not_due = gettext("yes"), gettext("no"), gettext("not yet due")
    due_rows = [r for r in rows if r[6] != not_due]
    assert sorted((r[1], r[2], r[3]) for r in due_rows) == sorted(
        (m.indicator.name, f"{m.date.year}年{m.date.month}月{m.date.day}日", str(m.value)) for m in due)
    assert due_rows, "the Xunyi fund-spending milestone of April is due by May"
    for r in due_rows:
        met = frozen[r[1]] is not None and frozen[r[1]] >= Decimal(r[3])
        assert r[6] == (yes if met else no)
    document = _docx(report)
    docx_rows = _docx_table(document, report.content, "milestones").rows[1:]
    assert [r.cells[3].text for r in docx_rows] == [format_cell(r[3], "amount") for r in rows]


@pytest.mark.django_db
def test_regenerating_makes_a_new_version_and_keeps_the_old(demo):
    first = demo[ReportKind.MONTHLY]
    with time_machine.travel(BULLETIN_MORNING, tick=False):
        second = _generate(first.region, ReportKind.MONTHLY)
    assert second.version == first.version + 1 and second.status == ReportState.DONE
    assert second.docx.name != first.docx.name
    first.refresh_from_db()
    assert first.status == ReportState.DONE and first.docx.storage.exists(first.docx.name)
    assert GeneratedReport.objects.filter(region=first.region, kind=ReportKind.MONTHLY, period_end=MAY_END).count() == 2


@pytest.mark.django_db
def test_completion_by_section_is_the_mean_of_the_frozen_completions_capped_at_100(demo):
    report = demo["dongtou"]
    frozen = StatusSnapshot.objects.filter(indicator__target__plan__region=report.region, as_of=MAY_END,
                                           unit__isnull=True).exclude(completion=None).select_related(
        "indicator__target__section__parent__parent")
    by_top = {}
    for s in frozen:
        section = s.indicator.target.section
        while section is not None and section.parent is not None:
            section = section.parent
        by_top.setdefault(section.title if section else None, []).append(min(s.completion, Decimal(1)))
    rows = {r[0]: r[7] for r in table(report.content, "sections")["rows"]}
    assert len(by_top) > 1
    for title, values in by_top.items():
        assert Decimal(rows[title]).quantize(Decimal("0.0001")) == (sum(values) / len(values)).quantize(Decimal("0.0001"))
