"""Table columns of a report document: figures, dates and short words keep their width, long texts wrap."""

import math

from reports.bulletins.docx_writer import CELL_PADDING_MM, TABLE_CHAR_MM, TYPE_WIDTH_MM, column_widths, set_width


def test_a_date_column_and_a_unit_column_are_never_squeezed_by_long_texts():
    columns = [
        {"header": "章节", "fmt": "text"},
        {"header": "指标", "fmt": "text"},
        {"header": "节点日期", "fmt": "text"},
        {"header": "应达值", "fmt": "quantity"},
        {"header": "计量单位", "fmt": "text"},
        {"header": "状态", "fmt": "text"},
    ]
    long = "健全城乡公共资源合理配置机制" * 2
    cells = [
        [long, long, "2026年12月31日", "12", "个", "下期到期"],
        [long, long, "2026年9月30日", "4", "个", "下期到期"],
    ]
    widths = column_widths(columns, cells)
    assert abs(sum(widths) - TYPE_WIDTH_MM) < 0.01
    # 2026年12月31日 is seven characters wide in the table font, its digits set wider than half a character.
    assert widths[2] >= 8.5 * TABLE_CHAR_MM + CELL_PADDING_MM
    assert widths[4] >= 2 * TABLE_CHAR_MM + CELL_PADDING_MM and widths[5] >= 4 * TABLE_CHAR_MM + CELL_PADDING_MM
    assert widths[0] == widths[1] >= 12  # the long texts share the rest and wrap


LEAGUE = [
    {"header": "排名", "fmt": "int"},
    {"header": "单位", "fmt": "text"},
    {"header": "应报数", "fmt": "int"},
    {"header": "已报送", "fmt": "int"},
    {"header": "按时报送", "fmt": "int"},
    {"header": "按时报送率", "fmt": "percent"},
    {"header": "平均完成率", "fmt": "percent"},
    {"header": "红灯", "fmt": "int"},
]


def test_a_percentage_is_never_broken_and_a_number_header_wraps_onto_two_lines_at_most():
    cells = [
        ["1", "区精神文明建设指导中心", "36", "29", "29", "100.0%", "100.0%", "17"],
        ["2", "区交通运输局", "3", "3", "3", "66.7%", "78.1%", "0"],
    ]
    widths = column_widths(LEAGUE, cells)
    assert abs(sum(widths) - TYPE_WIDTH_MM) < 0.01
    # "100.0%" sets 3.5 characters wide in the table face ("%" nearly a whole one), not the 3 of half-width digits.
    assert 3.4 < set_width("100.0%") < 3.7
    text_room = CELL_PADDING_MM - 0.8  # the cell margins, 1.9 mm a side
    for index, column in enumerate(LEAGUE):
        if column["fmt"] == "text":
            continue
        longest = max(set_width(row[index]) for row in cells)
        assert widths[index] - text_room >= longest * TABLE_CHAR_MM, column["header"]
        assert widths[index] - text_room >= math.ceil(set_width(column["header"]) / 2) * TABLE_CHAR_MM
    assert widths[1] >= 8 * TABLE_CHAR_MM  # the unit's name keeps room


def test_long_reasons_get_the_widest_column_and_short_texts_keep_six_characters():
    columns = [
        {"header": "指标", "fmt": "text"},
        {"header": "任务", "fmt": "text"},
        {"header": "牵头单位", "fmt": "text"},
        {"header": "落后百分点", "fmt": "amount"},
        {"header": "原因", "fmt": "text"},
    ]
    reason = "序时进度应达75.6%，实际完成22.6%，落后52.9个百分点；2026年10月进度填报截止于2026年10月25日，至今未报送"
    cells = [["引育农创客", "59. 乡村数字经济", "区农业农村局", "52.94", reason]] * 4
    widths = column_widths(columns, cells)
    assert abs(sum(widths) - TYPE_WIDTH_MM) < 0.01
    assert widths[4] == max(widths) and widths[4] > 2 * widths[0]
    assert widths[2] >= 6 * TABLE_CHAR_MM + CELL_PADDING_MM - 0.01  # 区农业农村局 on one line
    assert widths[0] >= 5 * TABLE_CHAR_MM + CELL_PADDING_MM - 0.01  # 引育农创客 too
    assert widths[3] >= set_width("52.94") * TABLE_CHAR_MM + CELL_PADDING_MM
