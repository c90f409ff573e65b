"""core.docx table columns (the bulletins' and the printed lists'): figures, dates and short words keep their width, long texts wrap."""

import math

from core.docx import CELL_PADDING_MM, TABLE_CHAR_MM, TYPE_WIDTH_MM, TableColumn, column_widths, set_width


def test_a_date_column_and_a_unit_column_are_never_squeezed_by_long_texts():
    columns = [
        TableColumn("章节"),
        TableColumn("指标"),
        TableColumn("节点日期"),
        TableColumn("应达值", numeric=True),
        TableColumn("计量单位"),
        TableColumn("状态"),
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
    TableColumn("排名", numeric=True),
    TableColumn("单位"),
    TableColumn("应报数", numeric=True),
    TableColumn("已报送", numeric=True),
    TableColumn("按时报送", numeric=True),
    TableColumn("按时报送率", numeric=True),
    TableColumn("平均完成率", numeric=True),
    TableColumn("红灯", numeric=True),
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
        if not column.numeric:
            continue
        longest = max(set_width(row[index]) for row in cells)
        assert widths[index] - text_room >= longest * TABLE_CHAR_MM, column.header
        assert widths[index] - text_room >= math.ceil(set_width(column.header) / 2) * TABLE_CHAR_MM
    assert widths[1] >= 8 * TABLE_CHAR_MM  # the unit's name keeps room


def test_long_reasons_get_the_widest_column_and_short_texts_keep_six_characters():
    columns = [
        TableColumn("指标"),
        TableColumn("任务"),
        TableColumn("牵头单位"),
        TableColumn("落后百分点", numeric=True),
        TableColumn("原因"),
    ]
    reason = "序时进度应达75.6%，实际完成22.6%，落后52.9个百分点；2026年10月进度填报截止于2026年10月25日，至今未报送"
    cells = [["引育农创客", "59. 乡村数字经济", "区农业农村局", "52.94", reason]] * 4
    widths = column_widths(columns, cells)
    assert abs(sum(widths) - TYPE_WIDTH_MM) < 0.01
    assert widths[4] == max(widths) and widths[4] > 2 * widths[0]
    assert widths[2] >= 6 * TABLE_CHAR_MM + CELL_PADDING_MM - 0.01  # 区农业农村局 on one line
    assert widths[0] >= 5 * TABLE_CHAR_MM + CELL_PADDING_MM - 0.01  # 引育农创客 too
    assert widths[3] >= set_width("52.94") * TABLE_CHAR_MM + CELL_PADDING_MM
