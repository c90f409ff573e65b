"""Reads of the reports app: who sees which reports, and each region's report calendar."""

from django.db.models import Q
from django.utils.translation import gettext as _

from regions.models import Region
from regions.selectors import region_prefix
from targets.models import Plan

from . import schedule
from .models import DocumentFrame, GeneratedReport, ReportKind, ReportSchedule


def reports_visible_to(user):
    """Reports are the supervision office's and the leaders': every role but reporters, within their region."""
    if not user.is_authenticated or user.is_reporter:
        return GeneratedReport.objects.none()
    qs = GeneratedReport.objects.select_related("region", "requested_by", "signed_by")
    if user.region_id is None:
        return qs
    return qs.filter(Q(region__code__startswith=region_prefix(user.region)))


def regions_for_requests(user):
    """Regions a user may ask reports for: those with plans, within the user's region."""
    qs = schedule_regions()
    if user.region_id is not None:
        qs = qs.filter(code__startswith=region_prefix(user.region))
    return qs


def schedule_regions():
    """Regions reports are made for: those that have plans."""
    return Region.objects.filter(pk__in=Plan.objects.values("region_id")).order_by("code")


def schedule_spec_for(region: Region) -> schedule.ScheduleSpec:
    """The region's calendar: its ReportSchedule (defaults if none) and the due day of its plans."""
    due_days = list(Plan.objects.filter(region=region).values_list("due_day", flat=True))
    due_day = min(due_days) if due_days else 25
    config = ReportSchedule.objects.filter(region=region).first()
    if config is None:
        return schedule.ScheduleSpec(due_day=due_day)
    return schedule.ScheduleSpec(
        due_day=due_day,
        bulletin_day=config.bulletin_day,
        dispatch_months=config.dispatch_month_list,
        half_year_month=config.half_year_month,
        year_end_month=config.year_end_month,
        remind_days_before=config.remind_days_before,
        escalate_days_after=config.escalate_days_after,
    )


def too_early(*, region: Region, kind: str, month, today) -> str:
    """Why a report of `kind` ending in `month` cannot be made yet ("" when it can)."""
    first = schedule.first_day_for(schedule_spec_for(region), kind, month)
    if today >= first:
        return ""
    return _(
        "A %(kind)s covering %(month)s can be made from %(first)s, once the units' reports for that month are "
        "due; until then ask for one ending the month before."
    ) % {
        "kind": ReportKind(kind).label,
        "month": f"{month.year}年{month.month}月",
        "first": f"{first.year}年{first.month}月{first.day}日",
    }


def document_frame_for(region: Region) -> DocumentFrame:
    """The region's frame as its office set it, or the default one (unsaved) until it does."""
    return DocumentFrame.objects.filter(region=region).select_related("region").first() or DocumentFrame.default_for(
        region
    )


def issuer_name(region: Region | None) -> str:
    """Who a list exported from the dashboards goes out under: the signature the region's office set in its
    document frame (as on its bulletins), else the region's name until it sets one; "全部地区" above every region."""
    if region is None:
        return "全部地区"
    signature = DocumentFrame.objects.filter(region=region).values_list("signature", flat=True).first()
    return signature or region.name


FILE_LABELS = {"docx": "Word", "xlsx": "Excel", "pdf": "PDF"}


def report_files_missing(report: GeneratedReport) -> list[str]:
    """The formats (docx, xlsx, pdf) of a report's stored files that have left the file store (a restore
    without its media, a disk cleaned by hand); one existence check per file the row names."""
    return [
        fmt
        for fmt in FILE_LABELS
        if getattr(report, fmt) and not getattr(report, fmt).storage.exists(getattr(report, fmt).name)
    ]
