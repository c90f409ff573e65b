"""The running text of a report as an office writes it: Chinese punctuation and dates, each thing said once."""

from datetime import date

from django.utils import translation

from reports.bulletins.document import CHANGE, Column, DocumentBuilder, chinese_span, format_cell, quoted, tidy
from reports.bulletins.docx_writer import copy_to_lines
from reports.bulletins.xlsx_writer import change_format


def test_ascii_punctuation_typed_next_to_chinese_becomes_full_width():
    assert tidy("加快推进,确保按期完成。") == "加快推进，确保按期完成。"
    assert tidy("(三)开展产业发展提升行动") == "（三）开展产业发展提升行动"
    assert tidy("典型项目 (企业)") == "典型项目（企业）"
    assert tidy("完成率:85%;下月完成") == "完成率：85%；下月完成"


def test_iso_dates_become_chinese_dates_and_stops_are_not_doubled():
    assert tidy("截至2026-05-31完成") == "截至2026年5月31日完成"
    assert tidy("项目前期手续办理较慢。；资金未到位。") == "项目前期手续办理较慢；资金未到位。"
    assert tidy("已完成，。") == "已完成。"
    assert tidy("已完成。。") == "已完成。"
    assert tidy("督办事项。 对上述事项，建议") == "督办事项。对上述事项，建议"


def test_formulas_links_and_latin_text_are_left_as_typed():
    formula = '=HYPERLINK("http://evil.example/","点击查看")'
    assert tidy(formula) == formula
    assert tidy("见 https://example.org/a,b") == "见 https://example.org/a,b"
    assert tidy("GDP(2025), 3A") == "GDP(2025), 3A"


def test_a_text_holding_a_link_or_a_formula_is_tidied_around_it_and_the_link_kept_as_typed():
    text = "请于月底前整改,详见https://xunyi.gov.cn/a?id=1,2,并于2026-12-10前反馈;金额1,234.50万元"
    assert tidy(text) == "请于月底前整改，详见https://xunyi.gov.cn/a?id=1,2，并于2026年12月10日前反馈；金额1,234.50万元"
    assert tidy("按公式=SUM(A1,B2),请核对:见www.xunyi.gov.cn") == "按公式=SUM(A1,B2)，请核对：见www.xunyi.gov.cn"
    assert tidy('=HYPERLINK("http://a.example/","看"),请点击') == '=HYPERLINK("http://a.example/","看")，请点击'


def test_a_quoted_name_turns_its_own_quotes_single_and_a_span_names_its_year_once():
    assert quoted("二、持续深化“千村示范、万村整治”工程") == "“二、持续深化‘千村示范、万村整治’工程”"
    assert chinese_span(date(2026, 7, 1), date(2026, 9, 30)) == "2026年7月1日至9月30日"
    assert chinese_span(date(2025, 12, 1), date(2026, 2, 28)) == "2025年12月1日至2026年2月28日"
    assert chinese_span(date(2026, 12, 1), date(2026, 12, 1)) == "2026年12月1日"


def test_the_builder_tidies_paragraphs_headings_and_text_cells_but_not_numbers():
    doc = DocumentBuilder(title="t", doc_number="n", issuer="i", issued_on=date(2026, 5, 26))
    doc.heading(1, "总体进展(截至5月)")
    doc.paragraph("截至2026-05-31,共跟踪指标10个。")
    doc.table("表", [Column("指标"), Column("值", "amount")], [["典型项目(企业)", "1.50"]], key="t")
    blocks = doc.as_dict()["blocks"]
    assert blocks[0]["text"] == "一、总体进展（截至5月）"
    assert blocks[1]["text"] == "截至2026年5月31日，共跟踪指标10个。"
    assert blocks[2]["rows"] == [["典型项目（企业）", "1.50"]]


def test_an_attachment_follows_the_body_with_its_note_and_marker():
    doc = DocumentBuilder(title="t", doc_number="n", issuer="i", issued_on=date(2026, 5, 26))
    n = doc.annex("红灯指标清单", [Column("指标")], [["甲"], ["乙"]], key="flagged_red")
    doc.paragraph("正文")
    blocks = doc.as_dict()["blocks"]
    assert n == 1
    assert [b["type"] for b in blocks] == ["paragraph", "annex_note", "annex", "table"]
    assert blocks[1]["lines"] == ["1．红灯指标清单"]
    assert (blocks[2]["text"], blocks[2]["title"]) == ("附件1", "红灯指标清单")
    assert blocks[3]["key"] == "flagged_red" and blocks[3]["annex"] == 1 and len(blocks[3]["rows"]) == 2


def test_a_change_reads_as_an_office_writes_it_never_with_a_hyphen():
    with translation.override("zh-hans"):
        assert [format_cell(v, CHANGE) for v in (6, -9, 0, "-1200", None)] == [
            "增加6个",
            "减少9个",
            "持平",
            "减少1,200个",
            "—",
        ]
        assert change_format() == '"增加"#,##0"个";"减少"#,##0"个";"持平"'
    with translation.override("en"):
        assert [format_cell(v, CHANGE) for v in (6, -9, 0)] == ["up by 6", "down by 9", "unchanged"]


def test_the_copy_to_line_breaks_between_organs_never_inside_a_name():
    lines = copy_to_lines("县委办，县政府办，县纪委监委，县委督查室，县政府督查室。", 29)
    assert lines == ["抄送：县委办，县政府办，县纪委监委，县委督查室，", "县政府督查室。"]
    # The lines after the first stand under the first name, so they hold three characters fewer.
    long = "、".join(f"{n}单位" for n in "甲乙丙丁戊己庚辛壬癸子丑寅卯辰") + "。"
    lines = copy_to_lines(long, 29)
    assert "".join(lines) == "抄送：" + long and lines[0].startswith("抄送：甲单位")
    assert all(line[-1] == "、" for line in lines[:-1]) and all(len(line) <= 26 for line in lines[1:])
    assert copy_to_lines("县委办。", 29) == ["抄送：县委办。"]
