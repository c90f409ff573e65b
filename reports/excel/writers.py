"""The column lists of the ledger and period exports, as data for `core.xlsx.write_table`."""

from functools import lru_cache

from core.xlsx import Column
from core.xlsx import attr as _attr

from ..bulletins.document import tidy

_tidied = lru_cache(maxsize=4096)(tidy)  # a task's content repeats on each of its indicators' rows

AMOUNT_UNITS = ("万元", "亿元", "元")


def quantity_format(row) -> str:
    """万元 and other money with two decimals, a count or any whole number without: #,##0.00 / #,##0."""
    if row.measure in AMOUNT_UNITS:
        return "#,##0.00"
    values = [v for v in (getattr(row, name, None) for name in ("target", "actual", "value")) if v is not None]
    return "#,##0" if all(v == v.to_integral_value() for v in values) else "#,##0.00"


def _text(name):
    """A plan's or a report's text as the documents print it (document.tidy): 督促各镇(街道)…,加 reads
    督促各镇（街道）…，加; a formula or a link stays as typed, and the formula guard still applies."""

    def get(row):
        value = getattr(row, name)
        return _tidied(value) if isinstance(value, str) else value

    return get


LEDGER_COLUMNS = [
    Column("序号", "序号", _attr("seq"), 6, "number", merge_same=True),
    Column("任务名称", "任务名称", _text("task"), 16),
    Column("主要内容", "主要内容", _text("content"), 36),
    Column("指标", "指标", _text("indicator"), 20),
    Column("计量单位", "计量单位", _attr("measure"), 8),
    Column("责任单位", "牵头单位", _attr("lead_units"), 16),
    Column("责任单位", "责任单位", _attr("co_units"), 18),
    Column("目标完成情况", "目标值", _attr("target"), 11, "number", number_format=quantity_format),
    Column("目标完成情况", "完成值", _attr("actual"), 11, "number", number_format=quantity_format),
    Column("目标完成情况", "完成率", _attr("completion"), 9, "percent"),
    Column("目标完成情况", "状态", _attr("light"), 8, "light"),
    Column("工作进展", "工作进展", _text("progress"), 36),
    Column("存在问题", "存在问题", _text("problems"), 28),
]

PERIOD_COLUMNS = [
    Column("序号", "序号", _attr("seq"), 6, "number"),
    Column("任务名称", "任务名称", _attr("task"), 16),
    Column("指标", "指标", _attr("indicator"), 24),
    Column("填报单位", "填报单位", _attr("unit"), 16),
    Column("报送情况", "期间", _attr("period"), 14),
    Column("报送情况", "累计完成值", _attr("value"), 11, "number", number_format=quantity_format),
    Column("报送情况", "计量单位", _attr("measure"), 8),
    Column("报送情况", "状态", _attr("status"), 9),
    Column("工作进展", "工作进展", _attr("narrative"), 36),
    Column("存在问题", "存在问题", _attr("problems"), 28),
    Column("下步打算", "下步打算", _attr("next_steps"), 28),
]
