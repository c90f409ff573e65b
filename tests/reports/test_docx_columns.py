"""Table columns of a report document: figures, dates and short words keep their width, long texts wrap."""

from reports.bulletins.docx_writer import CELL_PADDING_MM, TABLE_CHAR_MM, TYPE_WIDTH_MM, column_widths


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
