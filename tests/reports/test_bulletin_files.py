"""Generated bulletins on the demo data: the .docx, the .xlsx and the page agree with the frozen snapshot."""

import re
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pdfplumber
import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from django.utils.translation import pgettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from openpyxl import load_workbook

from accounts.models import User
from core.xlsx import LIGHT_FILLS
from demo.facts import facts
from demo.services import demo_load
from regions.models import Region
from reports import services
from reports.bulletins.content import BODY_ROWS
from reports.bulletins.document import chinese_date, format_cell, table, tidy
from reports.bulletins.xlsx_writer import write_xlsx
from reports.models import GeneratedReport, ReportKind, ReportState
from supervision import figures
from supervision import services as supervision_services
from supervision.models import StatusSnapshot
from targets.choices import Light
from targets.models import Indicator, Milestone, ProgressReport, Section
from targets.selectors import indicator_rows

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
    fast = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"), PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    # In the site's language, as the beat jobs freeze, whatever language an earlier test's request left active.
    site_language = translation.override(settings.LANGUAGE_CODE)
    with fast, site_language, django_db_blocker.unblock(), time_machine.travel(BULLETIN_MORNING, tick=False):
        with transaction.atomic():
            demo_load(today=BULLETIN_MORNING.date())
            services.schedules_seed()
            xunyi_region = Region.objects.get(code=facts()["xunyi"]["county"])
            reports = {kind: _generate(xunyi_region, kind) for kind in (ReportKind.MONTHLY, ReportKind.QUARTERLY)}
            reports["dongtou"] = _generate(Region.objects.get(code="330305000000"), ReportKind.MONTHLY)
            # January to May, as a half-year review asked for before June is over stands (made last, so the
            # register's numbers of the others stay as they were).
            reports[ReportKind.HALF_YEAR] = _generate(xunyi_region, ReportKind.HALF_YEAR)
            yield reports
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def monthly_pdf(demo, django_db_blocker):
    """The monthly bulletin rendered as PDF once for the module (each LibreOffice run costs seconds), kept in
    the module's demo transaction as the bulletins are."""
    with django_db_blocker.unblock():
        return services.report_pdf_render(report_id=demo[ReportKind.MONTHLY].pk)


def _generate(region, kind, month=MAY_END):
    report = services.report_request(region=region, kind=kind, month=month)
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


def gettext_zh(message):
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


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
        workbook = _xlsx(report)
        sheet = workbook.worksheets[0]
        assert [sheet.cell(row=r, column=2).value for r in range(4, 9)] == want
        frame = report.content["frame"]
        assert (workbook.properties.creator, workbook.properties.language) == (frame["signature"], "zh-CN")
        client.force_login(User.objects.get(username="sysadmin"))
        page = client.get(f"/reports/bulletins/{report.pk}/").content.decode()
        for light, n in zip(LIGHT_ROWS, want):
            assert f'data-label="{table(report.content, "lights")["columns"][1]["header"]}">{n}</td>' in page


@pytest.mark.django_db
def test_the_change_of_each_light_is_written_in_words_in_docx_and_page_and_stays_a_number_in_xlsx(demo, client):
    report = demo[ReportKind.MONTHLY]
    docx_rows = _docx_table(_docx(report), report.content, "lights").rows[1:]
    sheet = _xlsx(report).worksheets[0]
    client.force_login(User.objects.get(username="sysadmin"))
    page = client.get(f"/reports/bulletins/{report.pk}/").content.decode()
    for r, row in enumerate(docx_rows):
        now, before = (int(row.cells[i].text.replace(",", "")) for i in (1, 2))
        change = now - before
        words = f"增加{change:,}个" if change > 0 else f"减少{-change:,}个" if change < 0 else "持平"
        assert row.cells[3].text == words and "-" not in row.cells[3].text
        assert f">{words}</td>" in page
        cell = sheet.cell(row=4 + r, column=4)
        assert cell.value == change and cell.number_format == '"增加"#,##0"个";"减少"#,##0"个";"持平"'


@pytest.mark.django_db
def test_bulletin_text_quotes_the_numbers_of_its_tables(demo):
    report = demo[ReportKind.MONTHLY]
    counts = _snapshot_counts(report.region)
    overview = next(p.text for p in _docx(report).paragraphs if str(sum(counts.values())) in p.text)
    labels = {
        Light.DONE: "已完成",
        Light.GREEN: "绿灯",
        Light.AMBER: "黄灯",
        Light.RED: "红灯",
        Light.NOT_STARTED: "未开始",
    }
    for light in LIGHT_ROWS:
        # Each light with its count; none is 无红灯 / 无黄灯, and an empty 已完成, 绿灯 or 未开始 is left out.
        if counts[light]:
            assert f"{labels[light]}{format_cell(counts[light], 'int')}个" in overview
        elif light in (Light.RED, Light.AMBER):
            assert f"无{labels[light]}" in overview
        else:
            assert f"{labels[light]}0个" not in overview
    blocks = report.content["blocks"]
    assert len(table(report.content, "flagged_red")["rows"]) == counts[Light.RED]
    # The body's red table (the worst ten when the list is longer) follows the sentence with the count.
    red_at = blocks.index(table(report.content, "flagged_red_top" if counts[Light.RED] > BODY_ROWS else "flagged_red"))
    assert blocks[red_at - 1]["type"] == "paragraph"
    assert format_cell(counts[Light.RED], "int") in blocks[red_at - 1]["text"]


@pytest.mark.django_db
def test_red_list_names_the_indicators_frozen_red_with_their_reasons(demo):
    report = demo[ReportKind.MONTHLY]
    red = StatusSnapshot.objects.filter(
        indicator__target__plan__region=report.region, as_of=MAY_END, unit__isnull=True, status=Light.RED
    ).select_related("indicator")
    rows = table(report.content, "flagged_red")["rows"]
    # Pairs, not a dict by name: two indicators of one plan may share a name.
    # As the document sets them: 典型项目(企业) as typed in the plan reads 典型项目（企业）.
    assert sorted((row[0], row[4]) for row in rows) == sorted(
        (tidy(s.indicator.name), "；".join(s.reason_words)) for s in red
    )
    docx_rows = _docx_table(_docx(report), report.content, "flagged_red").rows
    assert [r.cells[0].text for r in docx_rows[1:]] == [r[0] for r in rows]


@pytest.mark.django_db
def test_points_behind_read_to_one_decimal_as_the_reasons_beside_them_say(demo):
    """落后百分点 reads 75.6 in the Word table, as the reason beside it reads 落后75.6个百分点 (the workbook: below)."""
    report = demo[ReportKind.MONTHLY]
    rows = table(report.content, "flagged_red")["rows"]
    # Stored as the figure (a decimal as text) or as the words why there is none (逾期未报).
    figured = [row for row in rows if re.fullmatch(r"-?[0-9.]+", str(row[3]))]
    assert figured, "the demo's May red list has indicators behind their pace"
    shown = {row[0]: f"{Decimal(str(row[3])).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}" for row in figured}
    docx_rows = _docx_table(_docx(report), report.content, "flagged_red").rows[1:]
    assert {r.cells[0].text: r.cells[3].text for r in docx_rows if r.cells[0].text in shown} == shown
    said = [row for row in figured if "个百分点" in row[4]]
    assert said and all(f"落后{shown[row[0]]}个百分点" in row[4] for row in said)


def _east_asian(paragraph) -> str:
    return paragraph.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia"))


@pytest.mark.django_db
def test_docx_is_laid_out_as_an_official_document(demo):
    document = _docx(demo[ReportKind.MONTHLY])
    section = document.sections[0]

    def mm(length):  # Word stores twips, so a millimetre comes back within a few hundredths
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert [mm(section.top_margin), mm(section.bottom_margin), mm(section.left_margin), mm(section.right_margin)] == [
        37,
        35,
        28,
        26,
    ]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert (grid.get(qn("w:type")), grid.get(qn("w:linePitch")), grid.get(qn("w:charSpace"))) == (
        "linesAndChars",
        "578",
        "-849",
    )  # 22 lines of 28 characters
    # The page number's line starts 7 mm under the type area: 35 mm less the footer's 23 mm and its 5 mm line.
    assert mm(section.footer_distance) == 23
    title = next(p for p in document.paragraphs if p.runs and p.runs[0].font.size == Pt(22))
    assert title.runs[0].font.bold and _east_asian(title) == "宋体"
    runs = [run for p in document.paragraphs for run in p.runs]
    runs += [
        run for t in document.tables for row in t.rows for cell in row.cells for p in cell.paragraphs for run in p.runs
    ]
    east_asian = Counter(run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in runs)
    assert None not in east_asian and set(east_asian) <= {"宋体", "仿宋", "黑体", "楷体"}
    body = [p for p in document.paragraphs if p.paragraph_format.first_line_indent and p.runs[0].font.size == Pt(16)]
    headings = [p for p in body if p.text.startswith(("一、", "二、"))]
    assert headings and all(_east_asian(p) == "黑体" for p in headings)
    sub = [p for p in body if p.text.startswith("（一）") and len(p.text) < 12]
    assert sub and all(_east_asian(p) == "楷体" for p in sub)
    # Page numbers: odd pages at the right, even pages at the left, one character (size 4) in.
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert (odd.alignment, odd.paragraph_format.right_indent) == (WD_ALIGN_PARAGRAPH.RIGHT, Pt(14))
    assert (even.alignment, even.paragraph_format.left_indent) == (WD_ALIGN_PARAGRAPH.LEFT, Pt(14))
    for footer in (odd, even):
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert "PAGE" in footer._element.xml and footer.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    props = document.core_properties
    assert (props.author, props.language) == ("旬邑县巩固衔接工作领导小组办公室", "zh-CN")
    lang = (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    )
    assert lang.get(qn("w:eastAsia")) == "zh-CN"


@pytest.mark.django_db
def test_docx_carries_each_offices_frame_from_mark_to_imprint(demo):
    for report, frame in (
        (demo[ReportKind.MONTHLY], facts()["xunyi"]["frame"]),
        (demo["dongtou"], facts()["dongtou"]["frame"]),
    ):
        document = _docx(report)
        paragraphs = [p for p in document.paragraphs if p.text]
        mark, number = paragraphs[0], paragraphs[1]
        assert mark.text == frame["organ_mark"] and mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert mark.runs[0].font.color.rgb == RGBColor(0xFF, 0, 0)
        assert number.text == frame["number_pattern"].format(year=2026, n=1)
        red_line = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
        assert red_line.get(qn("w:color")) == "FF0000"
        texts = [p.text for p in paragraphs]
        recipients = texts.index(frame["main_recipients"])
        assert texts[recipients + 1].startswith("为") and texts[recipients + 1].endswith("通报如下：")
        requirements = next(i for i, t in enumerate(texts) if t.endswith("、下一步工作要求"))
        assert requirements == max(i for i, t in enumerate(texts) if t[:2].endswith("、") and len(t) < 12)
        assert texts[requirements + 1] == "（一）" + frame["requirements"].splitlines()[0]
        # The signature and the date close the body; the attachments (附件), if any, follow them.
        at = len(texts) - 1 - texts[::-1].index("2026年5月26日")
        signature, issued = paragraphs[at - 1], paragraphs[at]
        assert (signature.text, issued.text) == (frame["signature"], "2026年5月26日")
        # The date four characters (of 16 pt) in from the right; the signature centred over it.
        assert issued.paragraph_format.right_indent == Pt(64)
        centre = lambda p, width: p.paragraph_format.right_indent.pt + width / 2
        assert (
            abs(centre(signature, max(len(signature.text) * 16, 0)) - centre(issued, 7 * 8 + 3 * 16)) <= 8
            or signature.paragraph_format.right_indent == 0
        )
        copy_to, printed = paragraphs[-2], paragraphs[-1]
        # 抄送 breaks between organs, never inside a name, its second line under the first name.
        assert copy_to.text.replace("\n", "") == f"抄送：{frame['copy_to']}"
        assert all(line[-1] in "，、" for line in copy_to.text.split("\n")[:-1])
        if "\n" in copy_to.text:
            assert copy_to.paragraph_format.first_line_indent == Pt(-42)
        assert printed.text == f"{frame['printed_by']}\t2026年5月26日印发"
        # Each line of the 版记 in a frame on the type area, the last one ending on its foot (225 mm).
        frames = [p._p.pPr.find(qn("w:framePr")) for p in (copy_to, printed)]
        assert all(f.get(qn("w:vAnchor")) == "margin" for f in frames)
        foot = int(frames[-1].get(qn("w:y"))) + int(frames[-1].get(qn("w:h")))
        assert abs(foot - 225 * 1440 / 25.4) < 2
        assert int(frames[0].get(qn("w:y"))) + int(frames[0].get(qn("w:h"))) == int(frames[1].get(qn("w:y")))


@pytest.mark.django_db
def test_docx_tables_repeat_their_head_fit_their_columns_and_empty_ones_are_a_sentence(demo):
    report = demo[ReportKind.MONTHLY]
    document = _docx(report)
    red = _docx_table(document, report.content, "flagged_red")
    assert red.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    widths = [cell.width for cell in red.rows[1].cells]
    headers = [c["header"] for c in table(report.content, "flagged_red")["columns"]]
    assert widths[headers.index(gettext_zh("reasons"))] > 2 * widths[headers.index(gettext_zh("points behind"))]
    assert round(sum(w.mm for w in widths)) == 156
    keys = [b.get("key") for b in report.content["blocks"]]
    stand_ins = [b for b in report.content["blocks"] if b.get("stands_for")]
    assert all(b["stands_for"] not in keys for b in stand_ins)
    assert all(t["rows"] for t in report.content["blocks"] if t["type"] == "table")


@pytest.mark.django_db
def test_sections_are_listed_in_plan_order(demo):
    report = demo["dongtou"]
    listed = [r[0] for r in table(report.content, "sections")["rows"]]
    tops = list(
        Section.objects.filter(plan__region=report.region, parent=None)
        .order_by("order")
        .values_list("title", flat=True)
    )
    assert listed == [t for t in tops if t in listed] and len(listed) > 2


@pytest.mark.django_db
def test_xlsx_numbers_are_right_aligned_with_separators_and_fixed_decimals(demo):
    report = demo["dongtou"]
    workbook = _xlsx(report)
    titles = [b["title"] for b in report.content["blocks"] if b["type"] == "table"]
    assert len(workbook.worksheets) == len(titles)
    lights = workbook.worksheets[0]
    assert lights["B4"].number_format == "#,##0" and lights["B4"].alignment.horizontal == "right"
    keys = [b["key"] for b in report.content["blocks"] if b["type"] == "table"]
    red = workbook.worksheets[keys.index("flagged_red")]
    gaps = [row[3] for row in red.iter_rows(min_row=4)]
    # Points behind to one decimal, as the Word table and the reasons (落后75.6个百分点) write them.
    assert gaps and all(c.number_format == "#,##0.0" for c in gaps)
    assert [c.value for c in gaps] == [
        float(r[3]) if r[3] is not None else None for r in table(report.content, "flagged_red")["rows"]
    ]
    league = workbook.worksheets[keys.index("league_units")]
    assert league["F4"].number_format == "0.0%"
    # Printable: title and document number over the table, A4 landscape fitted to the width, head repeated.
    assert lights["A1"].value.startswith(report.content["title"]) and lights["A2"].value == facts()["dongtou"]["frame"][
        "number_pattern"
    ].format(year=2026, n=1)
    assert (lights.page_setup.orientation, lights.page_setup.paperSize, lights.page_setup.fitToWidth) == (
        "landscape",
        9,
        1,
    ) and lights.sheet_properties.pageSetUpPr.fitToPage
    assert lights.print_title_rows == "$1:$3"
    assert lights["A4"].font.name == "宋体" and lights["A4"].border.left.style == "thin"
    assert lights["A4"].fill.fgColor.rgb.endswith(LIGHT_FILLS["done"]) and lights["A4"].alignment.wrap_text


def _reported_for_period(milestone, stood_on):
    """The milestone's figure recomputed from the reports themselves: the report for the month that
    contains its date, as it stood at that month's end (or on `stood_on`, if earlier)."""
    month = milestone.date.replace(day=1)
    month_end_day = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    shanghai = ZoneInfo("Asia/Shanghai")
    reports = [
        r
        for r in ProgressReport.objects.filter(
            indicator=milestone.indicator, period_start=month, status__in=["submitted", "approved"]
        )
        if r.submitted_at.astimezone(shanghai).date() <= min(month_end_day, stood_on)
    ]
    return max(reports, key=lambda r: (r.submitted_at, r.id)).value if reports else None


@pytest.mark.django_db
def test_quarterly_dispatch_judges_each_milestone_on_its_own_date(demo):
    report = demo[ReportKind.QUARTERLY]
    assert (report.period_start, report.period_end) == (date(2026, 3, 1), MAY_END)
    assert report.content["doc_number"].endswith("〔2026〕2号")  # the register's next number, after the bulletin's
    cut_off = BULLETIN_MORNING.date()  # made on 26 May: the May figures stand as of that day
    due = Milestone.objects.filter(
        indicator__target__plan__region=report.region, date__gte=report.period_start, date__lte=cut_off
    ).select_related("indicator")
    with translation.override(settings.LANGUAGE_CODE):  # the language reports are written in
        met_word, missed_word = pgettext("milestone", "met"), pgettext("milestone", "missed")
    expected = []
    for m in due:
        value = _reported_for_period(m, cut_off)
        met = value is not None and value >= m.value
        expected.append(
            (
                m.indicator.name,
                f"{m.date.year}年{m.date.month}月{m.date.day}日",
                str(m.value),
                met_word if met else missed_word,
            )
        )
    rows = table(report.content, "milestones")["rows"]
    assert len(expected) == 2, "Xunyi's two April milestones fall due in March–May"
    assert sorted((r[1], r[2], r[3], r[6]) for r in rows) == sorted(expected)
    missed = sum(1 for e in expected if e[3] == missed_word)
    intro = report.content["blocks"][report.content["blocks"].index(table(report.content, "milestones")) - 1]
    said = {0: "均已达成", len(expected): "均未达成"}.get(missed, f"未达成{missed}个")
    assert f"节点目标{len(expected)}个，" in intro["text"] and said in intro["text"]
    assert "截至2026年5月31日" not in str(report.content)
    # Due next: June to August, none from other years.
    upcoming = table(report.content, "milestones_next")["rows"]
    assert sorted(r[2] for r in upcoming) == sorted(
        f"{m.date.year}年{m.date.month}月{m.date.day}日"
        for m in Milestone.objects.filter(
            indicator__target__plan__region=report.region, date__gt=cut_off, date__lte=date(2026, 8, 31)
        )
    )
    document = _docx(report)
    docx_rows = _docx_table(document, report.content, "milestones").rows[1:]
    assert [r.cells[3].text for r in docx_rows] == [format_cell(r[3], "quantity") for r in rows]
    # A whole quantity reads whole ("30", not "30.00"), a fraction keeps its two decimals.
    assert all("." not in r.cells[3].text for r, row in zip(docx_rows, rows) if Decimal(row[3]) == int(Decimal(row[3])))


@pytest.mark.django_db
def test_quarterly_dispatch_compares_lights_with_the_previous_dispatch_recomputed_from_the_reports(demo):
    report = demo[ReportKind.QUARTERLY]
    lights = table(report.content, "lights")
    assert [c["header"] for c in lights["columns"][1:3]] == ["本次调度", "上次调度"]
    indicators = Indicator.objects.filter(target__plan__region=report.region)
    now = Counter(row.status.status for row in indicator_rows(indicators, BULLETIN_MORNING.date()).values())
    before = Counter(row.status.status for row in indicator_rows(indicators, date(2026, 2, 28)).values())
    assert [r[1] for r in lights["rows"][:5]] == [now[light] for light in LIGHT_ROWS]
    assert [r[2] for r in lights["rows"][:5]] == [before[light] for light in LIGHT_ROWS]
    overview = report.content["blocks"][1]["text"]
    assert "与上次调度（2026年2月28日）相比" in overview and "上月末" not in overview
    change = now[Light.RED] - before[Light.RED]
    assert ("红灯持平" if change == 0 else f"红灯{'增加' if change > 0 else '减少'}{abs(change)}个") in overview


@pytest.mark.django_db
def test_a_year_end_summary_made_on_2_december_stands_as_of_that_day_and_misses_nothing_early(demo):
    # Made inside this test, so its refreshed month-end snapshots are rolled back with it.
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        report = _generate(demo["dongtou"].region, ReportKind.YEAR_END, month=date(2026, 12, 31))
    text = str(report.content)
    assert "截至2026年12月2日" in text and "截至2026年12月31日" not in text
    # Its own 31 December milestones are the year's, not yet due: in the year's table, neither missed nor "下期".
    in_year = table(report.content, "milestones")["rows"]
    assert [(r[2], r[4], r[6]) for r in in_year] == [("2026年12月31日", None, "尚未到期")] * 2
    assert "milestones_next" not in [b.get("key") for b in report.content["blocks"]]
    said = report.content["blocks"][report.content["blocks"].index(table(report.content, "milestones")) - 1]["text"]
    assert said == (
        "2026年1月1日至12月2日无到期节点目标；另有2个节点目标在本期内（2026年12月31日前）到期，待该期报送后判定；"
        "2027年1月1日至12月31日无节点目标到期。"
    )
    # The year does not end on 2 December: its lights stand as of that day (截至12月2日), as a bulletin's do.
    assert [c["header"] for c in table(report.content, "lights")["columns"][1:3]] == ["截至12月2日", "上年末"]
    assert table(report.content, "trend")["rows"][-1][0] == "截至2026年12月2日"
    assert "为总结2026年1月1日至12月2日工作" in report.content["opening"]
    assert any("截至12月2日和11月末均为红灯" in b.get("text", "") for b in report.content["blocks"])
    assert "12月末" not in text and "本年末" not in text
    results = next(i for i, b in enumerate(report.content["blocks"]) if b.get("text") == "二、主要成效")
    assert report.content["blocks"][results + 1]["text"].startswith("截至2026年12月2日，")
    # The Word file says the same.
    document = _docx(report)
    docx_rows = _docx_table(document, report.content, "milestones").rows
    assert [c.text for c in docx_rows[1].cells][2:] == ["2026年12月31日", "4", "—", "个", "尚未到期"]
    assert [c.text for c in _docx_table(document, report.content, "lights").rows[0].cells][1] == "截至12月2日"
    assert not any("下期到期" in p.text for p in document.paragraphs)


@pytest.mark.django_db
def test_regenerating_makes_a_new_version_and_keeps_the_old(demo):
    first = demo[ReportKind.MONTHLY]
    with time_machine.travel(BULLETIN_MORNING, tick=False):
        second = _generate(first.region, ReportKind.MONTHLY)
    assert second.version == first.version + 1 and second.status == ReportState.DONE
    assert second.content["doc_number"] == first.content["doc_number"]  # a new version of the same document
    # Xunyi's number names no kind: its dispatch takes the register's next number, never the bulletin's.
    pattern = facts()["xunyi"]["frame"]["number_pattern"]
    assert (first.content["doc_number"], demo[ReportKind.QUARTERLY].content["doc_number"]) == (
        pattern.format(year=2026, n=1),
        pattern.format(year=2026, n=2),
    )
    assert second.docx.name != first.docx.name
    first.refresh_from_db()
    assert first.status == ReportState.DONE and first.docx.storage.exists(first.docx.name)
    assert GeneratedReport.objects.filter(region=first.region, kind=ReportKind.MONTHLY, period_end=MAY_END).count() == 2


@pytest.mark.django_db
def test_completion_by_section_is_the_mean_of_the_frozen_completions_capped_at_100(demo):
    report = demo["dongtou"]
    frozen = (
        StatusSnapshot.objects.filter(indicator__target__plan__region=report.region, as_of=MAY_END, unit__isnull=True)
        .exclude(completion=None)
        .select_related("indicator__target__section__parent__parent")
    )
    by_top = {}
    for s in frozen:
        section = s.indicator.target.section
        while section is not None and section.parent is not None:
            section = section.parent
        by_top.setdefault(section.title if section else None, []).append(min(s.completion, Decimal(1)))
    rows = {r[0]: r[7] for r in table(report.content, "sections")["rows"]}
    assert len(by_top) > 1
    for title, values in by_top.items():
        assert Decimal(rows[title]).quantize(Decimal("0.0001")) == (sum(values) / len(values)).quantize(
            Decimal("0.0001")
        )


@pytest.mark.django_db
def test_the_pdf_renders_the_frame_on_page_one_and_the_imprint_last_in_chinese_faces(monthly_pdf):
    report = monthly_pdf
    frame = facts()["xunyi"]["frame"]
    with report.pdf.open("rb") as f, pdfplumber.open(BytesIO(f.read())) as pdf:
        assert len(pdf.pages) >= 3  # the whole bulletin, not a page of fallback
        first = pdf.pages[0].extract_text().replace(" ", "")
        last = pdf.pages[-1].extract_text().replace(" ", "")
        faces = Counter(ch["fontname"].split("+")[-1] for page in pdf.pages for ch in page.chars)
        words = [w["text"] for page in pdf.pages for w in page.extract_words()]
        page_ends = ["".join(c["text"] for c in lines[-1]) for lines in map(_body_lines, pdf.pages) if lines]
    # A percentage is never broken ("100.0" / "%"), and no heading is left alone at the foot of a page.
    assert "%" not in words and any(w.endswith("100.0%") for w in words)
    headings = {b["text"] for b in report.content["blocks"] if b["type"] == "heading"}
    assert not [end for end in page_ends if end in headings]
    assert frame["organ_mark"] in first and frame["number_pattern"].format(year=2026, n=1) in first
    assert report.content["title"] in first and frame["main_recipients"] in first
    assert f"抄送：{frame['copy_to']}"[:12] in last and "2026年5月26日印发" in last
    # The 抄送 line wraps between two organs, the next line starting under the first name: 县政府督查室。, not 室。
    copy_lines = last[last.index("抄送：") : last.index("2026年5月26日印发")].splitlines()[:-1]
    assert len(copy_lines) == 2 and copy_lines[1] == frame["copy_to"].split("，")[-1]
    # Every face is a Noto CJK one that fonts/fonts.conf binds the document's fonts to: no fallback.
    assert faces and all(face.startswith(("NotoSerifCJK", "NotoSansCJK")) for face in faces), faces
    assert any(face.startswith("NotoSansCJK") for face in faces)  # 黑体 headings
    report.refresh_from_db()
    assert report.pdf.name.endswith(".pdf")


@pytest.mark.django_db
def test_a_reporters_formula_reaches_the_dispatch_workbook_as_text(demo):
    report = demo[ReportKind.QUARTERLY]
    attack = '=HYPERLINK("http://evil.example/","点击查看")'
    content = {
        **report.content,
        "blocks": report.content["blocks"]
        + [
            {
                "type": "table",
                "key": "problems_attack",
                "title": "问题",
                "rows": [["县农业农村局", attack]],
                "columns": [{"header": "单位", "fmt": "text"}, {"header": "问题", "fmt": "text"}],
            }
        ],
    }
    sheet = load_workbook(BytesIO(write_xlsx(content)))["问题"]
    assert sheet["B4"].value == attack and sheet["B4"].data_type == "s" and sheet["B4"].quotePrefix


@pytest.mark.django_db
def test_dispatch_groups_problems_by_unit_with_each_text_once(demo):
    report = demo[ReportKind.QUARTERLY]
    rows = table(report.content, "problems")["rows"]
    reported = ProgressReport.objects.filter(
        indicator__target__plan__region=report.region,
        period_start__gte=report.period_start,
        period_start__lte=MAY_END,
        status__in=["submitted", "approved"],
    ).exclude(problems="")
    by_unit = {}
    for r in reported.select_related("unit"):
        by_unit.setdefault(r.unit.name, set()).add(r.indicator_id)
    assert len(rows) == len({r[0] for r in rows})  # one row per unit
    counts = {r[0]: r[1] for r in rows}
    assert {unit: counts.get(unit) for unit in by_unit} == {unit: len(ids) for unit, ids in by_unit.items()}
    blocks = report.content["blocks"]
    problems = table(report.content, "problems")
    headers = [c["header"] for c in problems["columns"]]
    if gettext_zh("problem") in headers:
        column = headers.index(gettext_zh("problem"))
        assert all(len(r[column].split("；")) == len(set(r[column].split("；"))) for r in rows)  # each problem once
    else:  # every unit wrote the same problem: said once, above the table
        assert "各单位反映的问题均为：" in blocks[blocks.index(problems) - 1]["text"]
    decisions = blocks[blocks.index(table(report.content, "lights")) :]
    assert any(b.get("key") == "decisions" or b.get("stands_for") == "decisions" for b in decisions)
    if any(b.get("key") == "decisions" for b in decisions):
        listed = table(report.content, "decisions")
        if len(listed["columns"]) == 4:
            assert all(row[3].startswith("建议") for row in listed["rows"])
        else:
            assert "对上述事项，建议" in blocks[blocks.index(listed) - 1]["text"]


MM = 72 / 25.4  # PDF points a millimetre
TYPE_TOP, TYPE_FOOT, TYPE_LEFT, TYPE_WIDTH = 37 * MM, (37 + 225) * MM, 28 * MM, 156 * MM


def _body_lines(page):
    """The lines of 16 pt (三号) text on a PDF page, top to bottom, each a list of its characters left to right."""
    lines = {}
    for ch in page.chars:
        if abs(ch["size"] - 16) < 0.6 and ch["text"].strip():
            lines.setdefault(round(ch["top"]), []).append(ch)
    return [sorted(lines[top], key=lambda c: c["x0"]) for top in sorted(lines)]


def _is_cjk(ch) -> bool:
    return ord(ch["text"]) >= 0x2E80


@pytest.mark.django_db
def test_the_pdf_body_has_28_characters_a_line_and_22_lines_a_page(demo):
    """GB/T 9704: on a page of body text, 22 lines of 28 characters in the 156 × 225 mm type area."""
    from reports.bulletins.docx_writer import write_docx
    from reports.bulletins.pdf import docx_to_pdf

    monthly = demo[ReportKind.MONTHLY].content
    sentence = "各镇各部门要对照目标任务逐项分析原因制定整改措施明确完成时限确保按期销号"
    body = [{"type": "paragraph", "text": sentence * 3} for _ in range(30)]
    figures = "截至2026年11月30日，共跟踪指标69个：已完成7个，绿灯34个，黄灯11个，红灯15个，未开始2个。与上月末（2026年10月31日）相比。"
    with pdfplumber.open(
        BytesIO(docx_to_pdf(write_docx({**monthly, "blocks": body + [{"type": "paragraph", "text": figures}]})))
    ) as pdf:
        pages = [_body_lines(page) for page in pdf.pages]
        numbers = [c for page in pdf.pages for c in page.chars if c["top"] > TYPE_FOOT + 5 and c["text"].strip()]
    # A number is never broken over two lines ("（2" / "026年"): the line breaks before the bracket.
    texts = ["".join(c["text"] for c in line) for lines in pages for line in lines]
    assert any("（2026年10月31日）" in t for t in texts)
    assert not any(a[-1].isdigit() and b[0].isdigit() for a, b in zip(texts, texts[1:]))
    # The page number ("— 2 —") is in 14 pt (四号) throughout, its digits included.
    assert {c["size"] for c in numbers} == {14.0} and any(c["text"].isdigit() for c in numbers)
    full_pages = pages[1:-1]  # the first page carries the masthead, the last the signature
    assert full_pages
    for lines in full_pages:
        assert len(lines) == 22
        tops = [line[0]["top"] for line in lines]
        assert all(abs((b - a) - 225 * MM / 22) < 0.5 for a, b in zip(tops, tops[1:]))
        assert TYPE_TOP - 1 < lines[0][0]["top"] and lines[-1][0]["bottom"] < TYPE_FOOT + 1
        # A line that runs to the right edge of the type area holds 28 characters, edge to edge.
        whole = [
            line for line in lines if all(_is_cjk(c) for c in line) and line[-1]["x1"] > TYPE_LEFT + TYPE_WIDTH - 8
        ]
        assert len(whole) > 15
        for line in whole:
            assert len(line) == 28 or (len(line) == 26 and line[0]["x0"] > TYPE_LEFT + 20)  # a first line, indented 2
            assert line[0]["x0"] >= TYPE_LEFT - 1 and line[-1]["x1"] <= TYPE_LEFT + TYPE_WIDTH + 1


@pytest.mark.django_db
def test_the_pdf_sets_the_bulletin_on_the_grid_and_the_imprint_on_the_foot_of_the_last_page(monthly_pdf):
    report = monthly_pdf
    with report.pdf.open("rb") as f, pdfplumber.open(BytesIO(f.read())) as pdf:
        pages = [_body_lines(page) for page in pdf.pages]
        last = pdf.pages[-1]
        imprint = [
            c
            for c in last.chars
            if abs(c["size"] - 14) < 0.6 and c["top"] > TYPE_TOP and c["text"].strip() and c["bottom"] < TYPE_FOOT + 5
        ]
        imprinted = {id(c) for c in imprint}
        # Above the 版记: the signature and date (16 pt), or the end of the last attachment's table.
        above = [c for c in last.chars if id(c) not in imprinted and c["text"].strip() and c["bottom"] < TYPE_FOOT]
        above_bottom = max((c["bottom"] for c in above), default=TYPE_TOP)
    for lines in pages:
        assert len(lines) <= 22
        assert all(sum(1 if _is_cjk(c) else 0.5 for c in line) <= 28 for line in lines)
        assert all(len(line) <= 28 for line in lines if all(_is_cjk(c) for c in line))
    assert max(len(line) for lines in pages for line in lines if all(_is_cjk(c) for c in line)) == 28
    # The 版记's last line ends on the foot of the type area, below the signature and the date with at least a
    # line between them (how much more depends on where the body ends on its last page).
    assert imprint and abs(max(c["bottom"] for c in imprint) - TYPE_FOOT) < 12
    assert min(c["top"] for c in imprint) > above_bottom + (28.9 if pages[-1] else 0)


def _last_page(content):
    """The last page of `content` rendered: its 16 pt body characters and its 14 pt 版记 characters."""
    from reports.bulletins.docx_writer import write_docx
    from reports.bulletins.pdf import docx_to_pdf

    with pdfplumber.open(BytesIO(docx_to_pdf(write_docx(content)))) as pdf:
        chars = [c for c in pdf.pages[-1].chars if c["text"].strip() and TYPE_TOP < c["top"] < TYPE_FOOT + 5]
        pages = len(pdf.pages)
    body = [c for c in chars if abs(c["size"] - 16) < 0.6]
    imprint = [c for c in chars if abs(c["size"] - 14) < 0.6]
    return pages, body, imprint


@pytest.mark.django_db
def test_a_body_ending_where_the_imprint_goes_carries_its_last_lines_over_with_it(demo):
    """The 版记 never stands alone on a last page: when the signature and date would end in its place at the
    foot of a page, the body's last paragraph, the signature and the date go over with it."""
    content = demo[ReportKind.MONTHLY].content
    first_annex = next((i for i, b in enumerate(content["blocks"]) if b["type"] == "annex_note"), None)
    body_only = {**content, "blocks": content["blocks"][:first_annex]}  # the signature ends the body
    _pages, body, imprint = _last_page(body_only)
    room = min(c["top"] for c in imprint) - max(c["bottom"] for c in body)
    # One-line paragraphs before the last one, bringing the date a line or two down into the 版记's place (a
    # date that no longer fits the page at all went over with the body's last paragraph before).
    filler = [{"type": "paragraph", "text": "补充一行。"}] * (int(room / 28.9) + 2)
    crowded = {**body_only, "blocks": body_only["blocks"][:-1] + filler + body_only["blocks"][-1:]}
    pages, body, imprint = _last_page(crowded)
    text = "".join(c["text"] for c in body)
    assert chinese_date(date.fromisoformat(content["issued_on"])) in text and content["issuer"] in text
    assert body_only["blocks"][-1]["text"][-6:] in text  # with the body's last words
    assert imprint and abs(max(c["bottom"] for c in imprint) - TYPE_FOOT) < 12
    assert min(c["top"] for c in imprint) > max(c["bottom"] for c in body)


def _reports(demo):
    return (demo[ReportKind.MONTHLY], demo[ReportKind.QUARTERLY], demo["dongtou"], demo[ReportKind.HALF_YEAR])


@pytest.mark.django_db
def test_headings_and_captions_keep_with_what_follows_and_table_rows_never_split(demo):
    for report in _reports(demo):
        document = _docx(report)
        blocks = report.content["blocks"]
        kept = {b["text"] for b in blocks if b["type"] in ("heading", "annex")}
        kept |= {b["title"] for b in blocks if b["type"] in ("annex",) or (b["type"] == "table" and "annex" not in b)}
        paragraphs = [p for p in document.paragraphs if p.text in kept]
        assert {p.text for p in paragraphs} == kept
        assert all(p.paragraph_format.keep_with_next for p in paragraphs), [
            p.text for p in paragraphs if not p.paragraph_format.keep_with_next
        ]
        assert document.tables
        for docx_table in document.tables:
            rows = docx_table._tbl.findall(qn("w:tr"))
            assert all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
            assert rows[0].trPr.find(qn("w:tblHeader")) is not None
            # The paragraph over each table (its caption, or the attachment's title) keeps with it, and so does
            # the sentence over the caption that introduces the table.
            above = docx_table._tbl.getprevious()
            assert above.tag == qn("w:p") and above.pPr.find(qn("w:keepNext")) is not None
            intro = above.getprevious()
            if intro.tag == qn("w:p") and intro.pPr.find(qn("w:jc")) is None:
                assert intro.pPr.find(qn("w:keepNext")) is not None


DOUBLED_STOPS = re.compile(r"[。，；、：][。，；：]")
ASCII_BY_CHINESE = re.compile(r"[\u4e00-\u9fff][,;:()?!]|[,;:()?!][\u4e00-\u9fff]")
ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{4}-Q\d")


@pytest.mark.django_db
def test_the_text_has_chinese_punctuation_and_dates_and_says_each_thing_once(demo):
    for report in _reports(demo):
        document = _docx(report)
        paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        for text in paragraphs + cells:
            assert not DOUBLED_STOPS.search(text), text
            assert not ASCII_BY_CHINESE.search(text), text
            assert not ISO_DATE.search(text), text
        # No sentence of the running text is said twice.
        said = [report.content["opening"]] + [b["text"] for b in report.content["blocks"] if b["type"] == "paragraph"]
        sentences = [s for p in said for s in re.split(r"(?<=[。：；])", p) if len(s) > 6]
        assert [s for s, n in Counter(sentences).items() if n > 1] == []
        # Nothing is counted as none and then said to be none again ("节点目标0个" + "本期无到期节点目标。").
        blocks = report.content["blocks"]
        for at, block in enumerate(blocks):
            if block.get("stands_for"):
                assert blocks[at - 1]["type"] == "heading", block
        # A zero is said in words ("均未达成", "无红灯") or left out, never as "0个".
        zeros = [p for p in paragraphs if re.search(r"(?<![\d.,])0(个|件|项)", p)]
        assert zeros == []


@pytest.mark.django_db
def test_the_dispatch_says_in_one_sentence_what_milestones_fell_due_and_what_falls_due_next(demo):
    blocks = demo[ReportKind.QUARTERLY].content["blocks"]
    at = next(i for i, b in enumerate(blocks) if b["type"] == "heading" and b["text"].endswith("节点目标完成情况"))
    said = blocks[at + 1]["text"]
    assert blocks[at + 2]["type"] in ("table", "heading")
    assert said.startswith("2026年3月1日至5月") and said.count("。") == 1  # the year said once
    assert "无到期节点目标。" not in [b.get("text") for b in blocks]


@pytest.mark.django_db
def test_a_long_red_list_is_the_worst_ten_in_the_body_and_whole_in_an_attachment(demo, client):
    report = demo[ReportKind.MONTHLY]
    content, blocks = report.content, report.content["blocks"]
    whole, top = table(content, "flagged_red"), table(content, "flagged_red_top")
    assert len(whole["rows"]) > BODY_ROWS
    assert top["rows"] == [row[:4] for row in whole["rows"][:BODY_ROWS]]
    said = blocks[blocks.index(top) - 1]["text"]
    assert f"红灯指标共{len(whole['rows'])}个" in said and "见附件1" in said
    lead = Counter(u for row in whole["rows"] for u in row[2].split("、")).most_common(1)[0]
    assert f"{lead[0]}{lead[1]}个" in said
    note = next(i for i, b in enumerate(blocks) if b["type"] == "annex_note")
    assert blocks.index(top) < note < blocks.index(whole)
    assert blocks[blocks.index(whole) - 1] == {"type": "annex", "n": 1, "title": "红灯指标清单", "text": "附件1"}
    assert all(b["type"] in ("annex", "table") for b in blocks[note + 1 :])
    # In the .docx: the 附件说明 closes the body, the signature and date follow, then each attachment from a new page.
    document = _docx(report)
    texts = [p.text for p in document.paragraphs]
    issued = texts.index("2026年5月26日")
    assert texts.index("附件：1．红灯指标清单") < issued < texts.index("附件1")
    assert document.paragraphs[texts.index("附件1")].paragraph_format.page_break_before
    # The body's last words, the 附件说明 and the signature keep together: the signature never has a page alone.
    last_words = max(i for i, t in enumerate(texts[:issued]) if t.startswith("（") or t.startswith("附件："))
    assert all(p.paragraph_format.keep_with_next for p in document.paragraphs[last_words - 1 : issued])
    client.force_login(User.objects.get(username="sysadmin"))
    page = client.get(f"/reports/bulletins/{report.pk}/").content.decode()
    assert 'data-annex="1"' in page and "data-annex-note>附件：1．红灯指标清单" in page


@pytest.mark.django_db
def test_no_table_prints_one_sentence_in_every_row_or_a_column_of_nothing(demo):
    for report in _reports(demo):
        for block in (b for b in report.content["blocks"] if b["type"] == "table"):
            for index, column in enumerate(block["columns"]):
                values = {format_cell(row[index], column["fmt"]) for row in block["rows"]}
                assert values != {""}, (block["key"], column["header"])
                if len(block["rows"]) > 1 and column["fmt"] == "text":
                    # The same sentence in every row is said once, above the table.
                    sentence = len(values) == 1 and any(stop in next(iter(values)) for stop in "。，；")
                    assert not sentence, (block["key"], column["header"])
    report_blocks = demo[ReportKind.QUARTERLY].content["blocks"]
    decisions = next((b for b in report_blocks if b.get("key") == "decisions"), None)
    if decisions is not None and len(decisions["rows"]) > 1:
        intro = report_blocks[report_blocks.index(decisions) - 1]["text"]
        assert len(decisions["columns"]) == 3 and "对上述事项，建议" in intro


@pytest.mark.django_db
def test_a_half_year_review_cut_short_of_june_heads_its_lights_at_the_period_end(demo):
    report = demo[ReportKind.HALF_YEAR]
    assert (report.period_start, report.period_end) == (date(2026, 1, 1), MAY_END)
    heads = [c["header"] for c in table(report.content, "lights")["columns"]]
    assert heads[1:3] == ["本期末", "上年末"]


def _after_heading(blocks, ending: str) -> dict:
    at = next(i for i, b in enumerate(blocks) if b["type"] == "heading" and b["text"].endswith(ending))
    return blocks[at + 1]


@pytest.mark.django_db
def test_a_bulletin_of_the_month_under_way_names_no_unit_late_and_ranks_the_month_before(demo):
    """Made on 10 May, before May's reports are due (25 May): no unit is late yet, so none is listed as late,
    and the league ranks April, whose reports were due, rather than every unit at 0 % for May."""
    region = demo[ReportKind.MONTHLY].region
    with time_machine.travel(datetime(2026, 5, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        report = _generate(region, ReportKind.MONTHLY)
    document = _docx(report)
    texts = [p.text for p in document.paragraphs]
    owed = figures.reporting_rates(region=region, month=MAY_END)
    late = texts[texts.index(next(t for t in texts if t.endswith("逾期报送或未报送的单位"))) + 1]
    assert late == (
        f"2026年5月进度填报截止于2026年5月25日，尚未到期，暂无逾期单位；截至2026年5月10日，"
        f"应报{sum(r.expected for r in owed)}个，已报送{sum(r.submitted for r in owed)}个。"
    )
    assert "late_units" not in [b.get("key") for b in report.content["blocks"]]
    heads = [c.text for c in _docx_table(document, report.content, "lights").rows[0].cells]
    assert heads[1:3] == ["截至5月10日", "上月末"]  # not 本月末 three weeks before it
    league = texts[texts.index(next(t for t in texts if t.endswith("单位晾晒排名"))) + 1]
    assert league.startswith("2026年5月进度填报截止于2026年5月25日，尚未到期，以下按2026年4月报送情况排名")
    april = figures.league_table(region=region, month=date(2026, 4, 30))["units"]
    units = _docx_table(document, report.content, "league_units")
    assert [row.cells[1].text for row in units.rows[1:]] == [r.label for r in april]
    assert [row.cells[2].text for row in units.rows[1:]] == [str(r.expected) for r in april]
    # A bulletin made once May's reports are due names the late units of May as before.
    made = demo[ReportKind.MONTHLY].content["blocks"]
    assert "尚未到期" not in _after_heading(made, "单位晾晒排名")["text"]


@pytest.mark.django_db
def test_a_summary_of_a_year_without_reports_says_no_average_completion_and_others_say_it_in_figures(demo):
    region = demo[ReportKind.MONTHLY].region
    empty = _generate(region, ReportKind.YEAR_END, month=date(2025, 12, 31))  # before the demo's first report
    said = _after_heading(empty.content["blocks"], "主要成效")["text"]
    assert said.startswith("截至2025年12月31日，") and "平均完成率" not in said and "—" not in said
    said = _after_heading(demo[ReportKind.HALF_YEAR].content["blocks"], "主要成效")["text"]
    assert re.search(r"进度的\d+个，占\d+\.\d%。各章节平均完成率\d+\.\d%。$", said), said


@pytest.mark.django_db
def test_the_matters_for_decision_name_the_two_month_ends_and_the_unit_or_its_absence(demo):
    dongtou = _generate(demo["dongtou"].region, ReportKind.QUARTERLY)
    for report in (demo[ReportKind.QUARTERLY], dongtou):
        blocks = report.content["blocks"]
        decisions = table(report.content, "decisions")
        intro = blocks[blocks.index(decisions) - 1]["text"]
        # Made on 26 May, the dispatch reads May's lights as of that day, not at a month end still to come.
        assert f"需提请领导决策的事项共{len(decisions['rows'])}项：截至5月26日和4月末均为红灯的指标" in intro
        assert "5月末" not in intro and "本月末" not in intro and all(row[1] for row in decisions["rows"])
    red_both = set(
        StatusSnapshot.objects.filter(
            indicator__target__plan__region=dongtou.region, unit__isnull=True, status=Light.RED, as_of=MAY_END
        ).values_list("indicator_id", flat=True)
    ) & set(
        StatusSnapshot.objects.filter(
            indicator__target__plan__region=dongtou.region,
            unit__isnull=True,
            status=Light.RED,
            as_of=date(2026, 4, 30),
        ).values_list("indicator_id", flat=True)
    )
    unowned = Indicator.objects.filter(pk__in=red_both, target__lead_units__isnull=True)
    assert unowned.exists()  # the demo's 政策保证机制, whose plan names no unit
    rows = {row[0]: row[1] for row in table(dongtou.content, "decisions")["rows"]}
    assert all(rows[i.name] == "未明确责任单位" for i in unowned)


@pytest.mark.django_db
def test_milestone_values_read_alike_in_word_and_excel_and_the_problems_count_is_headed_as_one(demo):
    report = demo[ReportKind.QUARTERLY]
    milestones = table(report.content, "milestones")
    sheet = _xlsx(report)[milestones["title"]]
    heads = [c.value for c in sheet[3]]
    cells = [
        (row[heads.index("应达值")], row[heads.index("该期报送值")])
        for row in sheet.iter_rows(min_row=4)
        if row[0].value
    ]
    formats = {type(c.value): c.number_format for pair in cells for c in pair}
    assert formats == {int: "#,##0", float: "#,##0.00"}  # 2 个 as 2, 27.5 % as 27.50, never General
    document = _docx(report)
    words = _docx_table(document, report.content, "milestones")
    shown = [(row.cells[3].text, row.cells[4].text) for row in words.rows[1:]]
    assert shown == [
        (format_cell(r[3], "quantity"), format_cell(r[4], "quantity")) for r in milestones["rows"]
    ] and any("." in value for pair in shown for value in pair)
    heads = [c["header"] for c in table(report.content, "problems")["columns"]]
    assert heads[:3] == ["单位", "指标数", "涉及指标"]


@pytest.mark.django_db
def test_a_bulletin_of_a_month_with_nothing_owed_says_so_once_and_leaves_out_later_supervision_items(demo):
    """December 2025, before the demo's first report: no light is red or amber and nobody owed a report; a
    supervision item issued now belongs to the bulletins of now, not to that month's."""
    region = demo[ReportKind.MONTHLY].region
    red = figures.flagged(region=region, as_of=MAY_END, lights=(Light.RED,)).rows[0]
    indicator = Indicator.objects.get(pk=red.indicator_id)
    supervision_services.supervision_item_issue(
        indicator=indicator,
        unit=supervision_services.answerable_units(indicator).first(),
        notice="请说明进度滞后原因",
        reply_due=date(2026, 6, 5),
        by=User.objects.get(username="xunyi_ducha"),
    )
    old = _generate(region, ReportKind.MONTHLY, month=date(2025, 12, 31))
    texts = [p.text for p in _docx(old).paragraphs if p.text.strip()]
    assert texts[texts.index("（一）红灯指标") + 1] == "本月无红灯指标。"
    assert texts[texts.index("（二）黄灯指标") + 1] == "本月无黄灯指标。"
    assert texts[texts.index("五、逾期报送或未报送的单位") + 1] == "2025年12月无应报送的进度。"
    assert texts[texts.index("（一）部门") + 1] == "2025年12月均无应报事项，不参与排名。"
    assert texts[texts.index("（二）乡镇（街道）") + 1] == "2025年12月均无应报事项，不参与排名。"
    assert not [t for t in texts if "各单位均按时报送" in t or "无应报送单位" in t]
    assert texts[texts.index("七、未销号督办事项") + 1] == "无未销号督办事项。"
    now = _generate(region, ReportKind.MONTHLY)
    assert [r[0] for r in table(now.content, "open_items")["rows"]] == [indicator.name]
