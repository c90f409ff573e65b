"""The 领导批示 list as .xlsx, as the office forwards it to the leaders (批示落实情况): one row per instruction,
with each unit's status and answer. Column lists are data for core.xlsx (the one writer and formula guard);
the words of a printed list are fixed Chinese, as in supervision.exporters."""

from io import BytesIO

from django.utils import timezone

from core.xlsx import Column, Sheet, write_sheets

STATES = {"issued": "已下发", "acknowledged": "已签收", "answered": "已答复", "closed": "已办结"}
REACH_STATES = {"issued": "待签收", "acknowledged": "已签收", "answered": "已答复"}
KINDS = {"report": "进度填报", "indicator": "指标", "bulletin": "通报", "item": "督办事项"}


def chinese_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


def _name(user) -> str:
    return user.shown_name if user else ""


def _of(get):
    return lambda pair: get(pair[1])


def _units(instruction) -> str:
    return "；".join(f"{r.unit.name}（{REACH_STATES[r.status]}）" for r in instruction.reaches.all())


def _answers(instruction) -> str:
    return "；".join(f"{r.unit.name}：{r.response}" for r in instruction.reaches.all() if r.response)


def _state(instruction) -> str:
    return STATES[instruction.status] + ("（逾期）" if getattr(instruction, "overdue", False) else "")


COLUMNS = [
    Column("序号", "序号", lambda pair: pair[0], 6, "number"),
    Column("下发日期", "下发日期", _of(lambda i: chinese_date(timezone.localdate(i.issued_at))), 14),
    Column("批示领导", "批示领导", _of(lambda i: _name(i.author)), 12),
    Column("批示对象", "批示对象", _of(lambda i: f"{KINDS[i.target_kind]}：{i.target}"), 28),
    Column("批示内容", "批示内容", _of(lambda i: i.text), 40),
    Column("送达单位", "送达单位", _of(_units), 24),
    Column("答复期限", "答复期限", _of(lambda i: chinese_date(i.due_date)), 14),
    Column("状态", "状态", _of(_state), 12),
    Column("落实情况", "落实情况", _of(_answers), 44),
    Column(
        "办结",
        "办结",
        _of(lambda i: f"{chinese_date(timezone.localdate(i.closed_at))} {_name(i.closed_by)}" if i.closed_at else "—"),
        18,
    ),
]


def ledger_xlsx(rows, *, title: str, subtitle: str) -> bytes:
    buffer = BytesIO()
    write_sheets(
        buffer,
        [
            Sheet(
                title=title,
                subtitle=subtitle,
                columns=COLUMNS,
                rows=list(enumerate(rows, start=1)),
                sheet_title="领导批示",
            )
        ],
    )
    return buffer.getvalue()
