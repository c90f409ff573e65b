"""Build qinghe_plan.docx: a county plan published as a Word document with chapters, for the intake corpus.

    .venv/bin/python bench/corpus/other/build_qinghe_docx.py

The paragraphs are written out below as the document shows them (labelled from this text in
qinghe_plan.json): a cover letter, 第一章 / 第二章 chapters over 一、 parts, items numbered （1） and ①,
"完成时限：" and "责任单位：…牵头，…配合" lines, blank paragraphs, full-width digits, the signature and date.
"""

from pathlib import Path

import docx

PARAGRAPHS = [
    "清河县人民政府办公室关于印发《清河县农村人居环境整治提升实施方案》的通知",
    "清政办发〔2025〕12号",
    "各乡镇人民政府，县政府各部门：",
    "现将《清河县农村人居环境整治提升实施方案》印发给你们，请认真贯彻执行。",
    "",
    "清河县农村人居环境整治提升实施方案（2025—2027年）",
    "",
    "第一章 总体要求",
    "以改善农村人居环境为目标，补齐农村基础设施短板。",
    "第二章 重点任务",
    "一、推进农村厕所革命",
    "（1）加快户厕改造。每年新建改建农村卫生户厕２０００户。",
    "责任单位：县农业农村局牵头，县卫健局、县财政局配合。",
    "（2）建好公共厕所。２０２５年底前，每个行政村至少建成１座公共厕所，全县新建农村公厕１２０座。",
    "责任单位：县农业农村局、各乡镇",
    "",
    "二、加快生活污水治理",
    "（3）完善污水管网。新建污水管网８５公里，其中２０２５年完成３０公里。",
    "责任单位：县住建局",
    "完成时限：2027年12月底前",
    "（4）治理黑臭水体。农村黑臭水体治理率达到９０％以上。",
    "责任单位：县生态环境分局牵头，县水利局配合",
    "完成时限：2026年6月底前",
    "三、整治村容村貌",
    "（5）清理“三堆”。①全面清理房前屋后柴草堆、粪土堆、垃圾堆，２０２５年９月底前完成。",
    "责任单位：各乡镇",
    "（6）开展示范创建。每年创建县级美丽庭院示范户５００户。",
    "责任单位：县妇联",
    "第三章 保障措施",
    "各乡镇、各部门要加强组织领导，压实工作责任。",
    "",
    "清河县人民政府办公室",
    "2025年3月10日",
]


def build(path: Path) -> None:
    document = docx.Document()
    for text in PARAGRAPHS:
        document.add_paragraph(text)
    document.save(path)


if __name__ == "__main__":
    build(Path(__file__).resolve().parent / "qinghe_plan.docx")
