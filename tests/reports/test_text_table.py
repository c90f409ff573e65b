"""A responsibility table that arrives as text, one cell per line (reports.intake.text_table)."""

from reports.intake.text_table import grid_from_lines

LINES = """附件
某县乡村振兴工作责任分解表

序号

任务名称

主要内容

责任单位

一、产业发展

1

粮食生产

粮食播种面积稳定在1.2万亩以上。

*县农业农村局、县发改局,各乡镇

2

集体经济

村级集体经济总收入超2000万元。

*县委组织部,各乡镇

3

新增村级集体经济收入50万元以上的村5个。

*县农业农村局

二、保障措施

4

组织领导

成立工作专班。

县委办、县政府办

抄送:县委各部门。""".splitlines()


def test_cells_on_lines_become_rows_with_sections_and_a_merged_name():
    grid, header = grid_from_lines(LINES)
    assert LINES[header] == "序号"
    assert grid[0] == ["某县乡村振兴工作责任分解表"]
    assert grid[1] == ["序号", "任务名称", "主要内容", "责任单位"]
    assert grid[2] == ["一、产业发展"] * 4
    assert grid[3] == ["1", "粮食生产", "粮食播种面积稳定在1.2万亩以上。", "*县农业农村局、县发改局,各乡镇"]
    assert grid[5] == ["3", "集体经济", "新增村级集体经济收入50万元以上的村5个。", "*县农业农村局"]
    assert grid[6] == ["二、保障措施"] * 4
    assert grid[7] == ["4", "组织领导", "成立工作专班。", "县委办、县政府办"]
    assert len(grid) == 8  # 抄送 after the last row is not part of the table


def test_a_cut_header_still_names_its_columns():
    lines = [line.replace("主要内容", "要内容").replace("责任单位", "任单位") for line in LINES if line != "序号"]
    grid, _header = grid_from_lines(lines)
    assert [row[0] for row in grid[2:]] == ["一、产业发展", "1", "2", "3", "二、保障措施", "4"]


def test_prose_with_numbered_paragraphs_is_not_a_table():
    lines = ["一、主要任务", "1", "加强培训。", "2", "开展排查。", "3", "责任单位:县农业农村局"]
    assert grid_from_lines(lines) is None
