"""Which parts each kind of report has, its title and its document number."""
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..models import ReportKind
from . import content
from .document import DocumentBuilder


def title_of(kind: str, region_name: str, period_start: date, period_end: date) -> tuple[str, str, str]:
    """(title, subtitle, document number word) of a report."""
    year = period_end.year
    if kind == ReportKind.MONTHLY:
        return (_("%(region)s bulletin on the progress of rural revitalization targets") % {"region": region_name},
                f"（{year}年{period_end.month}月）", pgettext("document number word", "Bulletin"))
    if kind == ReportKind.QUARTERLY:
        span = f"（{period_start.year}年{period_start.month}月—{year}年{period_end.month}月）"
        return _("%(region)s quarterly dispatch report") % {"region": region_name}, span, pgettext("document number word", "Dispatch")
    if kind == ReportKind.HALF_YEAR:
        return _("%(region)s half-year review") % {"region": region_name}, f"（{year}年上半年）", pgettext("document number word", "Review")
    return _("%(region)s year-end summary") % {"region": region_name}, f"（{year}年）", pgettext("document number word", "Summary")


def doc_number(kind: str, region_name: str, period_end: date, serial: int) -> str:
    """e.g. 洞头区督查通报〔2025〕5号: the year in 〔〕 and the report's serial number in the year."""
    word = title_of(kind, region_name, period_end, period_end)[2]
    return f"{region_name}{word}〔{period_end.year}〕{serial}号"


def compose(*, kind: str, region, period_start: date, period_end: date, serial: int, issued_on: date,
            issuer: str) -> dict:
    title, subtitle, _word = title_of(kind, region.name, period_start, period_end)
    doc = DocumentBuilder(title=title, subtitle=subtitle, doc_number=doc_number(kind, region.name, period_end, serial),
                          issuer=issuer, issued_on=issued_on)
    content.overview(doc, region=region, as_of=period_end)
    if kind == ReportKind.MONTHLY:
        content.by_section(doc, region=region, as_of=period_end)
        content.league(doc, region=region, month=period_end)
        content.flagged_lists(doc, region=region, as_of=period_end)
        content.reporting(doc, region=region, month=period_end)
        content.done_this_month(doc, region=region, as_of=period_end)
        content.supervision_items(doc, region=region, today=issued_on)
        return doc.as_dict()
    if kind in (ReportKind.HALF_YEAR, ReportKind.YEAR_END):
        content.trend(doc, region=region, period_start=period_start, as_of=period_end)
    content.by_section(doc, region=region, as_of=period_end)
    content.milestones(doc, region=region, as_of=period_end)
    content.problems(doc, region=region, period_start=period_start, as_of=period_end)
    content.leader_decisions(doc, region=region, as_of=period_end, today=issued_on)
    content.league(doc, region=region, month=period_end)
    return doc.as_dict()
