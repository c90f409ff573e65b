"""The lists people forward as .xlsx and .docx: the red and amber list, the league tables, the supervision ledger.

Column lists are data for `core.xlsx` (the product's one writer and formula guard) and, the same lists, for
`core.docx` (a Word document of the same title, stamp and tables); each sheet has a title row, the data stamp under it ("数据截至2026年11月30日，灯色判定于2026年12月2日10:42"), a header
repeated on every printed page, A4 landscape fitted to the width. The words of a printed list are fixed
Chinese, like the ledger's (reports.excel.writers); the views write the whole file in the product's language.
"""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.utils import timezone

from core.docx import write_list_docx
from core.xlsx import LIGHT_LABELS, Column, Sheet, write_sheets

LEAGUE_TITLES = {"units": "部门", "townships": "乡镇（街道）", "counties": "县（市、区）"}


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def stamp(*, as_of: date, taken_at: datetime) -> str:
    """The data stamp: the day the figures stand at, and when the lights behind them were judged."""
    local = timezone.localtime(taken_at)
    return f"数据截至{chinese_date(as_of)}，灯色判定于{chinese_date(local.date())}{local:%H:%M}"


def now_stamp(now: datetime) -> str:
    """The stamp of a list read as it stands (the supervision ledger): 数据截至2026年12月2日17:56."""
    local = timezone.localtime(now)
    return f"数据截至{chinese_date(local.date())}{local:%H:%M}"


def _percent(value: Decimal | None):
    """The figures keep percentages as 66.7; a cell keeps the fraction, shown 66.7% by its format."""
    return None if value is None else value / 100


def _seq(pair):
    return pair[0]


def _of(name):
    return lambda pair: getattr(pair[1], name)


FLAGGED_COLUMNS = [
    Column("序号", "序号", _seq, 6, "number"),
    Column("指标", "指标", _of("name"), 30),
    Column("所属任务", "所属任务", _of("target"), 30),
    Column("灯色", "灯色", _of("status"), 8, "light"),
    Column("牵头单位", "牵头单位", lambda pair: "、".join(pair[1].lead_units), 18),
    Column("落后百分点", "落后百分点", _of("behind"), 11, "number", number_format=lambda pair: "#,##0.0"),
    Column("落后天数", "落后天数", _of("days_behind"), 10, "number", number_format=lambda pair: "#,##0"),
    Column("原因", "原因", lambda pair: "；".join(str(r) for r in pair[1].reasons), 50),
]

LEAGUE_COLUMNS = [
    Column("排名", "排名", _of("rank"), 6, "number"),
    Column("单位", "单位", _of("label"), 22),
    Column("应报数", "应报数", _of("expected"), 9, "number", number_format=lambda pair: "#,##0"),
    Column("按时报送", "按时报送", _of("on_time"), 10, "number", number_format=lambda pair: "#,##0"),
    Column("按时报送率", "按时报送率", lambda pair: _percent(pair[1].on_time_rate), 12, "percent"),
    Column("平均完成率", "平均完成率", lambda pair: _percent(pair[1].completion), 12, "percent"),
    Column("红灯", "红灯", _of("red"), 8, "number", number_format=lambda pair: "#,##0"),
]


def _item_date(value) -> str:
    return chinese_date(value) if value else "—"


ITEM_COLUMNS = [
    Column("序号", "序号", _seq, 6, "number"),
    Column("下发日期", "下发日期", lambda pair: _item_date(timezone.localdate(pair[1].issued_at)), 14),
    Column("指标", "指标", lambda pair: pair[1].indicator.name, 28),
    Column("所属任务", "所属任务", lambda pair: str(pair[1].indicator.target), 28),
    Column("责任单位", "责任单位", lambda pair: pair[1].unit.name, 16),
    Column("下发时灯色", "下发时灯色", lambda pair: pair[1].light_when_issued or None, 10, "light"),
    Column(
        "状态",
        "状态",
        lambda pair: str(pair[1].get_status_display()) + ("（逾期未反馈）" if pair[1].overdue else ""),
        16,
    ),
    Column("反馈期限", "反馈期限", lambda pair: _item_date(pair[1].reply_due), 14),
    Column("整改措施", "整改措施", lambda pair: pair[1].measures or "", 36),
    Column("承诺完成日期", "承诺完成日期", lambda pair: _item_date(pair[1].promised_date), 14),
]


def _numbered(rows):
    return list(enumerate(rows, start=1))


def flagged_words(light: str) -> str:
    """What the list holds: the red list, the amber list, or (no light chosen, as on the page) every light."""
    if light == "flagged":
        return "红灯、黄灯指标清单"
    return f"{LIGHT_LABELS[light]}指标清单" if light in LIGHT_LABELS else "指标亮灯清单"


def flagged_title(*, region_name: str, light: str, as_of: date) -> str:
    return f"{region_name}{flagged_words(light)}（{as_of.year}年{as_of.month}月）"


def flagged_sheets(rows, *, title: str, subtitle: str) -> list[Sheet]:
    return [
        Sheet(title=title, subtitle=subtitle, columns=FLAGGED_COLUMNS, rows=_numbered(rows), sheet_title="指标清单")
    ]


def league_title(*, region_name: str, month: date) -> str:
    return f"{region_name}晾晒排名（{month.year}年{month.month}月）"


def league_sheets(tables: dict, *, title: str, subtitle: str) -> list[Sheet]:
    """One sheet per league (部门, 乡镇（街道）, or 县 above county level)."""
    return [
        Sheet(
            title=f"{title}·{LEAGUE_TITLES.get(name, name)}",
            subtitle=subtitle,
            columns=LEAGUE_COLUMNS,
            rows=[(row.rank, row) for row in rows],
            sheet_title=LEAGUE_TITLES.get(name, name)[:31],
        )
        for name, rows in tables.items()
    ]


def items_title(*, region_name: str) -> str:
    return f"{region_name}督办事项台账"


def items_sheets(items, *, title: str, subtitle: str) -> list[Sheet]:
    return [Sheet(title=title, subtitle=subtitle, columns=ITEM_COLUMNS, rows=_numbered(items), sheet_title="督办事项")]


# The red and amber list and the ledger have long texts (原因, 整改措施): their Word pages are A4 across.
LANDSCAPE = {"flagged": True, "league": False, "items": True}


def write_list(kind: str, fmt: str, sheets: list[Sheet], *, title: str, subtitle: str, author: str) -> bytes:
    """The list `kind` (flagged, league, items) as a file of `fmt` (xlsx or docx); the Word document has
    the list's title over all its tables, the workbook each sheet's own."""
    if fmt == "docx":
        return write_list_docx(title=title, subtitle=subtitle, sheets=sheets, author=author, landscape=LANDSCAPE[kind])
    buffer = BytesIO()
    write_sheets(buffer, sheets, author=author)
    return buffer.getvalue()
