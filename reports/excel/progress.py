"""The offline progress round trip: a workbook per unit and period, filled in Excel, uploaded back.

The workbook holds one row per indicator the unit owes (``targets.selectors.expected_reporters``),
with the last value and the due date; only the four cells to fill are unlocked, and the value cell
carries data validation. The upload is checked row by row; every error is named by row and column
and marked on a copy of the workbook; nothing is written unless every row is valid; uploading the
same file again changes nothing (values equal to the saved draft are left alone).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from accounts import permissions
from accounts.services import audit_record
from core import periods
from core.uploads import SafeUpload, UnreadableFile, open_workbook, read_rows
from core.versions import ConflictError
from core.xlsx import named_workbook, set_text
from targets import review, rules
from targets.choices import Kind
from targets.models import Indicator, ProgressReport
from targets.selectors import expected_reporters
from targets.services import report_enter

SHEET, META = "填报", "meta"
HEADER_ROW, FIRST_ROW = 3, 4
BAD_FILL = PatternFill("solid", fgColor="FF9999")
FILL_CELL = PatternFill("solid", fgColor="FFF2CC")


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    width: float
    editable: bool = False


COLUMNS = [
    Col("id", "指标编号", 9),
    Col("seq", "序号", 6),
    Col("task", "任务名称", 16),
    Col("indicator", "指标", 26),
    Col("measure", "计量单位", 8),
    Col("target", "目标值", 10),
    Col("last", "上期累计值", 11),
    Col("due", "报送截止", 11),
    Col("value", "本期累计值", 12, True),
    Col("narrative", "工作进展", 36, True),
    Col("problems", "存在问题", 28, True),
    Col("next_steps", "下步打算", 28, True),
]
INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
LETTER = {c.key: openpyxl.utils.get_column_letter(i + 1) for i, c in enumerate(COLUMNS)}
TEXT_FIELDS = ("narrative", "problems", "next_steps")


def owed_indicators(unit, period: str):
    """The indicators `unit` reports for `period`: owed by it, of the period's frequency, running in it."""
    start, frequency = periods.parse_period(period)
    end = periods.period_end(start, frequency)
    candidates = Indicator.objects.filter(
        target__plan__region__code__startswith=unit.county.code[:6],
        frequency=frequency,
        start_date__lte=end,
        deadline__gte=start,
    )
    owed = expected_reporters(candidates.values_list("pk", flat=True))
    ids = [pk for pk, units in owed.items() if unit.pk in units]
    return (
        Indicator.objects.filter(pk__in=ids)
        .select_related("target__plan")
        .order_by("target__plan_id", "target__seq", "order", "id")
    )


def _last_values(unit, indicators, before: date) -> dict[int, Decimal]:
    last = {}
    reports = (
        ProgressReport.objects.filter(unit=unit, indicator__in=indicators, period_start__lt=before)
        .order_by("indicator_id", "period_start")
        .values_list("indicator_id", "value")
    )
    for indicator_id, value in reports:
        last[indicator_id] = value
    return last


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


def template_download(*, unit, period: str, by) -> bytes:
    """build_template for a download by `by`, audited: the workbook carries the unit's figures, for its
    own reporters only."""
    if not permissions.can_report_for(by, unit):
        raise PermissionDenied(_("This workbook belongs to another unit; download your own."))
    workbook = build_template(unit=unit, period=period)
    audit_record(action="progress.template", by=by, obj=unit, new={"period": period})
    return workbook


def build_template(*, unit, period: str) -> bytes:
    """The workbook a unit fills offline for one period, pre-filled with what is already saved."""
    start, frequency = periods.parse_period(period)
    indicators = list(owed_indicators(unit, period))
    last = _last_values(unit, indicators, start)
    current = {
        r.indicator_id: r
        for r in ProgressReport.objects.filter(unit=unit, period_start=start, indicator__in=indicators)
    }
    workbook = named_workbook(author=unit.name, title=f"{unit.name} {period} 目标任务进度填报表", write_only=False)
    sheet = workbook.active
    sheet.title = SHEET
    _write_head(sheet, unit, period)
    for number, indicator in enumerate(indicators, start=FIRST_ROW):
        report = current.get(indicator.pk)
        due = periods.due_date(start, frequency, indicator.target.plan.due_day)
        values = {
            "id": indicator.pk,
            "seq": indicator.target.seq,
            "task": indicator.target.name,
            "indicator": indicator.name,
            "measure": indicator.unit,
            "target": _plain(indicator.target_value),
            "last": _plain(last.get(indicator.pk)),
            "due": due,
            "value": _plain(report.value) if report else None,
            **{f: getattr(report, f) if report else None for f in TEXT_FIELDS},
        }
        for col in COLUMNS:
            cell = sheet.cell(number, INDEX[col.key] + 1)
            set_text(cell, values[col.key])
            if col.editable:
                cell.protection = Protection(locked=False)
                cell.fill = FILL_CELL
        sheet.cell(number, INDEX["due"] + 1).number_format = "yyyy-mm-dd"
    _finish(sheet, indicators)
    meta = workbook.create_sheet(META)
    meta.append(["unit_id", unit.pk])
    meta.append(["period", period])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_head(sheet, unit, period) -> None:
    # Every cell through core.xlsx.set_text, the one formula guard: a unit named "=…" stays text in the title.
    set_text(sheet.cell(1, 1), f"{unit.name} {period} 目标任务进度填报表")
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    set_text(sheet.cell(2, 1), "请只填写黄色单元格;本期累计值为截至本期末的累计数。")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMNS))
    for col in COLUMNS:
        cell = sheet.cell(HEADER_ROW, INDEX[col.key] + 1)
        set_text(cell, col.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        sheet.column_dimensions[LETTER[col.key]].width = col.width


def _value_rule(indicator) -> str:
    """Which check Excel makes as the value is typed: the upload refuses the same (targets.rules)."""
    if indicator.kind == Kind.MILESTONE or rules.is_share_percent(indicator.name, indicator.unit):
        return "percent"
    return "whole" if rules.is_count_unit(indicator.unit) else "number"


VALUE_RULES = {
    "number": dict(type="decimal", operator="greaterThanOrEqual", formula1="0", error="请输入不小于0的数字"),
    "whole": dict(type="whole", operator="greaterThanOrEqual", formula1="0", error="请输入不小于0的整数"),
    "percent": dict(type="decimal", operator="between", formula1="0", formula2="100", error="请输入0至100之间的数字"),
}


def _finish(sheet, indicators) -> None:
    rows = {}
    for offset, indicator in enumerate(indicators or [None]):
        rows.setdefault(_value_rule(indicator) if indicator else "number", []).append(FIRST_ROW + offset)
    for name, numbers in rows.items():
        validation = DataValidation(
            allow_blank=True, showErrorMessage=True, errorTitle="本期累计值", **VALUE_RULES[name]
        )
        for number in numbers:
            validation.add(f"{LETTER['value']}{number}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = f"A{FIRST_ROW}"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


@dataclass
class UploadResult:
    errors: list[dict] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    marked: bytes | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _error(row: int, key: str, message: str) -> dict:
    return {
        "row": row,
        "column": LETTER[key],
        "header": dict((c.key, c.header) for c in COLUMNS)[key],
        "message": message,
    }


def _meta(upload: SafeUpload) -> tuple[int, str]:
    try:
        rows = {str(r[0]): r[1] for r in read_rows(upload, META) if r and r[0]}
        return int(rows["unit_id"]), str(rows["period"])
    except (UnreadableFile, KeyError, ValueError, TypeError, IndexError):
        raise UnreadableFile(
            _(
                "This is not a progress workbook downloaded from the platform (its hidden “meta” "
                "sheet is missing). Download the workbook again and copy your figures into it."
            )
        ) from None


def _number(raw) -> Decimal | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, bool) or isinstance(raw, (date, datetime)):
        raise InvalidOperation
    return Decimal(str(raw).replace(",", "").strip())


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _parse_rows(rows, indicators: dict[int, Indicator]) -> tuple[list[dict], list[dict]]:
    """Each filled row as {indicator, value, texts, row}; errors named by row and column."""
    parsed, errors, seen = [], [], set()
    for number, row in enumerate(rows[FIRST_ROW - 1 :], start=FIRST_ROW):
        row = list(row) + [None] * (len(COLUMNS) - len(row))
        raw_id = _text(row[INDEX["id"]])
        texts = {f: _text(row[INDEX[f]]) for f in TEXT_FIELDS}
        value_raw = row[INDEX["value"]]
        if not raw_id and value_raw in (None, "") and not any(texts.values()):
            continue
        indicator = indicators.get(int(raw_id)) if raw_id.isdigit() else None
        if indicator is None:
            errors.append(
                _error(
                    number,
                    "id",
                    _(
                        "Indicator number “%(id)s” is not one your unit reports for this "
                        "period; do not change the first column."
                    )
                    % {"id": raw_id},
                )
            )
            continue
        if indicator.pk in seen:
            errors.append(_error(number, "id", _("Indicator %(id)s appears twice.") % {"id": indicator.pk}))
            continue
        seen.add(indicator.pk)
        try:
            value = _number(value_raw)
        except (InvalidOperation, ValueError):
            errors.append(_error(number, "value", _("Expected a number, got “%(value)s”.") % {"value": value_raw}))
            continue
        if value is None:
            if any(texts.values()):
                errors.append(_error(number, "value", _("Enter the cumulative value for this row.")))
            continue
        if value < 0:
            errors.append(_error(number, "value", _("A cumulative value cannot be negative.")))
        elif indicator.kind == Kind.MILESTONE and value > 100:
            errors.append(_error(number, "value", _("A milestone is reported as percent complete (0–100).")))
        else:
            parsed.append({"row": number, "indicator": indicator, "value": value, **texts})
    return parsed, errors


class _Rollback(Exception):
    pass


def _save_row(item: dict, report: ProgressReport | None, unit, period: str, by, result: UploadResult) -> None:
    changes = {"value": item["value"], **{f: item[f] for f in TEXT_FIELDS}}
    if report is not None:
        current = {"value": report.value, **{f: getattr(report, f) for f in TEXT_FIELDS}}
        if current == changes:
            result.unchanged += 1
            return
        if not review.is_editable(report.status):
            raise ValidationError(
                _("The report for this period is already %(status)s and cannot be changed here.")
                % {"status": report.get_status_display()}
            )
    report_enter(
        by=by,
        indicator=item["indicator"],
        unit=unit,
        period=period,
        version=None if report is None else report.version,
        **changes,
    )
    if report is None:
        result.created += 1
    else:
        result.updated += 1


def _write(items, unit, period: str, by, result: UploadResult) -> None:
    start, _frequency = periods.parse_period(period)
    existing = {
        r.indicator_id: r
        for r in ProgressReport.objects.filter(
            unit=unit, period_start=start, indicator__in=[i["indicator"] for i in items]
        )
    }
    try:
        with transaction.atomic():
            for item in items:
                try:
                    _save_row(item, existing.get(item["indicator"].pk), unit, period, by, result)
                except (ValidationError, ConflictError) as exc:
                    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                    result.errors.append(_error(item["row"], "value", "; ".join(messages)))
            if result.errors:
                raise _Rollback
            audit_record(
                action="progress.upload",
                by=by,
                obj=unit,
                new={
                    "period": period,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
    except _Rollback:
        result.created = result.updated = result.unchanged = 0


def mark_errors(upload: SafeUpload, errors: list[dict]) -> bytes:
    """A copy of the uploaded workbook with each bad cell filled red and carrying the message as a comment."""
    workbook = open_workbook(upload)
    sheet = workbook[SHEET]
    for error in errors:
        cell = sheet[f"{error['column']}{error['row']}"]
        cell.fill = BAD_FILL
        cell.comment = Comment(error["message"], "platform", width=300, height=80)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def progress_upload(*, upload: SafeUpload, by) -> UploadResult:
    """Check every row, then write all of them (through the audited report services) or none."""
    unit_id, period = _meta(upload)
    if by.unit_id != unit_id:
        raise ValidationError(_("This workbook belongs to another unit; download your own."))
    try:
        rows = read_rows(upload, SHEET)
    except UnreadableFile:
        raise UnreadableFile(_("The workbook has no sheet named “%(sheet)s”.") % {"sheet": SHEET}) from None
    indicators = {i.pk: i for i in owed_indicators(by.unit, period)}
    items, errors = _parse_rows(rows, indicators)
    result = UploadResult(errors=errors)
    if not errors:
        _write(items, by.unit, period, by, result)
    if result.errors:
        result.errors.sort(key=lambda e: (e["row"], e["column"]))
        result.marked = mark_errors(upload, result.errors)
    return result
