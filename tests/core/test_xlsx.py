"""core.xlsx: every cell of a printed list bordered in the CJK font, long text wrapped in a row tall enough."""

from io import BytesIO

from openpyxl import load_workbook

from core.xlsx import Column, attr, write_table


class Row:
    def __init__(self, name, note):
        self.name, self.note = name, note


def test_text_cells_are_bordered_wrapped_and_a_long_text_gets_a_taller_row():
    buffer = BytesIO()
    columns = [Column("名称", "名称", attr("name"), 10), Column("说明", "说明", attr("note"), 20)]
    write_table(
        buffer,
        title="清单",
        subtitle="数据截至2026年11月30日",
        columns=columns,
        rows=[Row("甲", "短"), Row("乙", "很长的说明" * 8), Row("丙", '=HYPERLINK("http://x/")')],
    )
    sheet = load_workbook(BytesIO(buffer.getvalue()))["台账"]
    assert sheet["A2"].value == "数据截至2026年11月30日" and sheet.print_title_rows == "$1:$4"
    short, long, formula = sheet["B5"], sheet["B6"], sheet["B7"]
    for cell in (sheet["A5"], short, long):
        assert cell.border.left.style == "thin" and cell.font.name == "宋体" and cell.alignment.wrap_text
    assert sheet.row_dimensions[5].height is None
    assert sheet.row_dimensions[6].height >= 4 * 14.5  # 80 columns of text in a column 20 wide
    assert formula.value.startswith("=HYPERLINK") and formula.data_type == "s" and formula.quotePrefix
