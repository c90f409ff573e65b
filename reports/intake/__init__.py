"""Plan intake: read the plans and tables that counties hold, as they are published, into one ``parsed`` dict.

``files.read_plan_file`` checks and reads the upload (table grid and/or lines of text); ``table.parse_grid``
reads a responsibility table and ``prose.parse_lines`` a plan written as text (``head`` reads its head and foot).
Both return the same shape, which the preview edits and :func:`reports.plan_import.plan_import` writes:

``parsed`` (JSON-ready; optional keys may be missing in data saved before they existed)::

    title            str
    source           "table" | "text"
    sections         [{key, title, level, parent (key or None), line?}]
    tasks            [{row, seq (1…n, unique), name, content, section (key or None),
                       units_raw, lead_units [str], co_units [str], all_townships bool,
                       unparsed [str] (e.g. 各相关单位), notes [str],
                       deadline_text str ("2024年6月底前", "每季度", "长期坚持", "" when none),
                       deadline "YYYY-MM-DD" | None (the task's own, from a 完成时限 column or its title),
                       ongoing bool (长期坚持 / 持续推进), leader str (牵头领导, a person),
                       line? / label? (text plans: the line and the item's own mark, e.g. "1."),
                       indicators [Proposal.as_dict(), plus warnings such as "deadline_before_plan_start"]}]
    warnings         [{row, message}]
    not_understood   [{line, text, section}]: sentences that are neither head, heading nor task text
    text_tasks       [task, plus section_title and from_text]: a table's plan text numbers these, the table does
                     not list them (``beside.text_tasks_beside``); the preview imports those the person ticks
    columns          {field: column} (tables)
    doc_number       "旬巩衔组发〔2024〕1号" | ""
    issuer           the signature above the date (or the portal's 发布机构) | ""
    issued_on        "YYYY-MM-DD" | ""
    period_text      the words the plan period was read from ("从2024年3月开始至12月底结束") | ""

``plan_import_parse`` adds ``file_name``, ``region``, ``start``, ``end`` and ``units`` (the unit decisions). Several
files of one plan are combined by ``parts.combined``: ``files`` names them and each task its ``file``.
"""
