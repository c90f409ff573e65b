"""Build lanxi_table.docx: a county 责任分解表 as Word (WPS) offices send it, for the intake corpus.

    .venv/bin/python bench/corpus/other/build_lanxi_docx.py

The rows are written out below as the table shows them (labelled from this text in lanxi_table.json):
a title paragraph, a header with 责任领导 and 完成时限 columns, WPS section rows ("一" in the 序号 cell,
the title beside it), a 序号 merged down over two rows, units one per line and run together with spaces,
"（牵头）" marks, full-width digits, a blank row, the header repeated where the next page begins, and
a 备注 row and a footnote row at the end.
"""

from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

HEADER = ["序号", "任务名称", "目标要求", "责任领导", "牵头单位", "配合单位", "完成时限"]
ROWS = [
    ["一", "产业兴旺", "", "", "", "", ""],
    [
        "１",
        "茶产业提质",
        "新增标准化生态茶园１.５万亩。",
        "陈明",
        "县农业农村局",
        "县林业局\n县供销社",
        "2024年12月底前",
    ],
    [
        "２",
        "农产品品牌",
        "新认证绿色食品、有机农产品各１０个。",
        "陈明",
        "县市场监管局（牵头）、县农业农村局",
        "",
        "2024年11月底前",
    ],
    [
        "３",
        "农村电商",
        "培育电商示范村２０个；农村网络零售额达到１５亿元。",
        "刘芳",
        "县商务局",
        "县邮政分公司 县农业农村局",
        "2024年12月底前",
    ],
    ["３", "农村电商", "", "", "", "", ""],  # 序号 merged down: the same task continues
    ["", "", "", "", "", "", ""],
    ["二", "生态宜居", "", "", "", "", ""],
    HEADER,  # the header repeated where the next page begins
    [
        "４",
        "污水治理",
        "农村生活污水治理率达到６５％以上，其中６月底前达到６０％。",
        "周强",
        "县生态环境分局",
        "县住建局、各乡镇",
        "2024年12月底前",
    ],
    [
        "５",
        "绿化美化",
        "完成村庄绿化造林３０００亩，9月底前完成。",
        "周强",
        "县林业局",
        "各乡镇（街道）",
        "2024年9月底前",
    ],
    ["６", "危房改造", "农村危房动态清零。", "刘芳", "县住建局", "县民政局，县乡村振兴局", "长期坚持"],
    ["备注：各乡镇为配合单位的，由乡镇主要负责同志抓落实。", "", "", "", "", "", ""],
    ["注：１．各单位每月25日前报送进展；２．本表由县委农办负责解释。", "", "", "", "", "", ""],
]


def build(path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("兰溪县2024年和美乡村建设工作任务责任分解表")
    table = document.add_table(rows=0, cols=len(HEADER))
    table.style = "Table Grid"
    first = table.add_row()
    for cell, text in zip(first.cells, HEADER):
        cell.text = text
    flag = OxmlElement("w:tblHeader")  # Word repeats it on every page
    first._tr.get_or_add_trPr().append(flag)
    rows = []
    for values in ROWS:
        row = table.add_row()
        rows.append(row)
        if values[0].startswith(("备注", "注：")):
            merged = row.cells[0].merge(row.cells[-1])
            merged.text = values[0]
            continue
        for cell, text in zip(row.cells, values):
            cell.text = text
    # The second 农村电商 row: 序号, 任务名称 and the unit columns merged down from the row above.
    upper, lower = rows[3], rows[4]
    for column in (0, 1, 3, 4, 5, 6):
        lower.cells[column].text = ""
        upper.cells[column].merge(lower.cells[column])
    lower.cells[2].text = "建成村级电商服务站点５０个。"
    _ = qn  # kept for readers extending the builder with more XML
    document.add_paragraph("兰溪县委农村工作领导小组办公室")
    document.add_paragraph("2024年3月5日")
    document.save(path)


if __name__ == "__main__":
    build(Path(__file__).resolve().parent / "lanxi_table.docx")
