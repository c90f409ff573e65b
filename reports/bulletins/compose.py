"""Which parts each kind of report has, its title, its document number and the period it covers."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .. import schedule
from ..models import ReportKind
from ..selectors import schedule_spec_for
from . import content
from .document import DocumentBuilder, chinese_date, chinese_span


@dataclass(frozen=True)
class Coverage:
    """The span a report covers and what it compares with.

    `as_of` is the cut-off: the period end, or the day the report is made when that comes first,
    so a report never says "截至12月31日" on 2 December. `previous` is the end of the span before
    (the previous month, dispatch, half or year): every report compares with the same span before
    it, never with the month before.
    """

    kind: str
    start: date
    end: date
    as_of: date
    previous: date
    next_until: date

    @classmethod
    def of(cls, kind: str, start: date, end: date, issued_on: date) -> "Coverage":
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if kind in (ReportKind.HALF_YEAR, ReportKind.YEAR_END):
            months = 6 if kind == ReportKind.HALF_YEAR else 12
        return cls(
            kind=kind,
            start=start,
            end=end,
            as_of=min(end, issued_on),
            previous=start - timedelta(days=1),
            next_until=_month_end_after(end, months),
        )

    @property
    def complete(self) -> bool:
        return self.as_of == self.end

    def words(self) -> tuple[str, str]:
        """(this span's end, the span before's end) as a table head and a sentence name them; a half-year
        review or year-end summary cut short of June or December (made before its last month's due date)
        stands at 本期末, not 本年末."""
        if self.kind in (ReportKind.HALF_YEAR, ReportKind.YEAR_END) and self.end.month not in (6, 12):
            return _("this period end"), _("previous year end")
        if self.kind in (ReportKind.HALF_YEAR, ReportKind.YEAR_END) and not self.complete:
            # Made before 31 December (the schedule makes it on the 26th): it stands as of its day, not the year end.
            return self.as_of_words(), _("previous year end")
        return {
            ReportKind.MONTHLY: (_("this month end"), _("previous month end")),
            ReportKind.QUARTERLY: (_("this dispatch"), _("previous dispatch")),
            ReportKind.HALF_YEAR: (_("this half-year end"), _("previous year end")),
            ReportKind.YEAR_END: (_("this year end"), _("previous year end")),
        }[self.kind]

    def as_of_words(self) -> str:
        """截至12月2日: the cut-off of a report made before its span ends, as a table head says it."""
        return _("as of %(day)s") % {"day": f"{self.as_of.month}月{self.as_of.day}日"}


def _month_end_after(end: date, months: int) -> date:
    year, month0 = divmod(end.year * 12 + end.month - 1 + months + 1, 12)
    return date(year, month0 + 1, 1) - timedelta(days=1)


def _span(start: date, end: date) -> str:
    if start.year == end.year:
        return f"（{start.year}年{start.month}月—{end.month}月）"
    return f"（{start.year}年{start.month}月—{end.year}年{end.month}月）"


def title_of(kind: str, region_name: str, period_start: date, period_end: date) -> tuple[str, str, str]:
    """(title, subtitle, document number word) of a report."""
    year = period_end.year
    if kind == ReportKind.MONTHLY:
        return (
            _("%(region)s bulletin on the progress of rural revitalization targets") % {"region": region_name},
            f"（{year}年{period_end.month}月）",
            pgettext("document number word", "Bulletin"),
        )
    if kind == ReportKind.QUARTERLY:
        return (
            _("%(region)s quarterly dispatch report") % {"region": region_name},
            _span(period_start, period_end),
            pgettext("document number word", "Dispatch"),
        )
    if kind == ReportKind.HALF_YEAR:
        span = f"（{year}年上半年）" if period_end.month == 6 else _span(period_start, period_end)
        return (
            _("%(region)s half-year review") % {"region": region_name},
            span,
            pgettext("document number word", "Review"),
        )
    span = f"（{year}年）" if period_end.month == 12 else _span(period_start, period_end)
    return _("%(region)s year-end summary") % {"region": region_name}, span, pgettext("document number word", "Summary")


def doc_number(kind: str, region_name: str, period_end: date, serial: int) -> str:
    """e.g. 洞头区督查通报〔2025〕5号: the year in 〔〕 and the report's serial number in the year."""
    word = title_of(kind, region_name, period_end, period_end)[2]
    return f"{region_name}{word}〔{period_end.year}〕{serial}号"


def _opening(kind: str, region_name: str, subtitle: str, cover: Coverage) -> str:
    """The paragraph that says why and what (为……，现将……通报如下：). A span cut short names its days
    (2026年1月1日至12月2日), not "2026年，截至2026年12月2日"."""
    span = subtitle.strip("（）") if cover.complete else chinese_span(cover.start, cover.as_of)
    if kind == ReportKind.MONTHLY:
        return _(
            "To keep every target of the plans on schedule and each unit answerable for its share, the "
            "progress of %(region)s's targets in %(span)s is reported as follows:"
        ) % {"region": region_name, "span": span}
    return _(
        "To review the work of %(span)s and settle what comes next, the progress of %(region)s's targets is "
        "reported as follows:"
    ) % {"region": region_name, "span": span}


def frame_block(frame) -> dict:
    """The frame's words as the document keeps them (the writers print them; the page shows them)."""
    return {
        "organ_mark": frame.organ_mark,
        "main_recipients": frame.main_recipients,
        "signature": frame.signature,
        "copy_to": frame.copy_to,
        "printed_by": frame.printed_by,
    }


def compose(*, kind: str, region, period_start: date, period_end: date, serial: int, issued_on: date, frame) -> dict:
    title, subtitle, word = title_of(kind, region.name, period_start, period_end)
    cover = Coverage.of(kind, period_start, period_end, issued_on)
    if not cover.complete:
        subtitle += _("(as of %(date)s)") % {"date": chinese_date(cover.as_of)}
    doc = DocumentBuilder(
        title=title,
        subtitle=subtitle,
        doc_number=frame.number(year=period_end.year, serial=serial, word=word),
        issuer=frame.signature,
        issued_on=issued_on,
        frame=frame_block(frame),
        opening=_opening(kind, region.name, subtitle, cover),
    )
    _body(doc, kind=kind, region=region, cover=cover, issued_on=issued_on)
    content.requirements(doc, lines=frame.requirements.splitlines())
    return doc.as_dict()


def _reports_not_due(region, month: date, issued_on: date) -> date | None:
    """The due date of `month`'s reports when it has not passed on the day the report is made (a bulletin of
    the month under way), else None: until then no unit is late, and the units are ranked on the month before."""
    due = schedule.month_due_date(schedule_spec_for(region), month)
    return due if issued_on <= due else None


def _body(doc, *, kind, region, cover, issued_on) -> None:
    period_start, period_end = cover.start, cover.end
    not_due = _reports_not_due(region, period_end, issued_on)
    under_way = kind == ReportKind.MONTHLY and not_due is not None and not cover.complete
    content.overview(doc, region=region, cover=cover, under_way=under_way)
    if kind == ReportKind.MONTHLY:
        content.by_section(doc, region=region, as_of=period_end)
        content.league(doc, region=region, month=period_end, not_due=not_due)
        content.flagged_lists(doc, region=region, as_of=period_end)
        content.reporting(doc, region=region, month=period_end, not_due=not_due, as_of=cover.as_of)
        content.done_this_month(doc, region=region, as_of=period_end)
        content.supervision_items(doc, region=region, today=issued_on, as_of=cover.as_of)
        return
    if kind in (ReportKind.HALF_YEAR, ReportKind.YEAR_END):
        content.achievements(doc, region=region, cover=cover)
        content.trend(doc, region=region, cover=cover)
    content.by_section(doc, region=region, as_of=period_end)
    content.milestones(doc, region=region, cover=cover)
    content.problems(doc, region=region, period_start=period_start, as_of=period_end)
    content.leader_decisions(doc, region=region, cover=cover, today=issued_on)
    content.league(doc, region=region, month=period_end, not_due=not_due)


def file_name(*, kind: str, region_name: str, period_start: date, period_end: date, version: int, ext: str) -> str:
    """A download name that says what it is: 旬邑县-2026年11月-月通报-v1.docx."""
    if kind == ReportKind.MONTHLY or (period_start.year, period_start.month) == (period_end.year, period_end.month):
        span = f"{period_end.year}年{period_end.month}月"
    elif kind == ReportKind.YEAR_END and period_end.month == 12:
        span = f"{period_end.year}年"
    elif kind == ReportKind.HALF_YEAR and period_end.month == 6:
        span = f"{period_end.year}年上半年"
    else:
        span = _span(period_start, period_end).strip("（）")
    return f"{region_name}-{span}-{ReportKind(kind).label}-v{version}.{ext}"
