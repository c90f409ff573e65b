"""What would stop a previewed plan from saving, found before anything is written.

``check_plan(parsed)`` reads the preview's data (as the page or the API left it) and returns every
problem, each named by task and field in words a person can act on, once each (the task, the indicator, the
field, what is expected), with dates as a person reads them (2026年6月30日). Pure: no database. The preview
shows the problems beside their fields; ``plan_import`` refuses to write while there are any, so a
constraint name ("indicator_deadline_after_start") never reaches a person.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.periods import Frequency, day_words
from targets import numbers
from targets.choices import PROGRESS_KINDS, Kind
from targets.rules import first_period_not_past_due, period_words, share_bound_breaches

MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-01)?$")


@dataclass
class Problem:
    field: str
    message: str
    task: int | None = None  # position in parsed["tasks"]
    indicator: int | None = None  # position in that task's indicators
    section: int | None = None  # position in parsed["sections"]

    def as_dict(self) -> dict:
        return asdict(self)


def _month_words(first: date) -> str:
    """A first reporting period as a person reads it: 2026年7月 (the field itself takes 2026-07)."""
    return period_words(first, Frequency.MONTHLY)


def parse_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def parse_month(value) -> date | None:
    """ "2024-07" or "2024-07-01" → 2024-07-01; anything else → None."""
    match = MONTH.match(str(value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def parse_decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, TypeError, ValueError):
        return None


def _plan_problems(parsed: dict) -> list[Problem]:
    problems = []
    if not (parsed.get("title") or "").strip():
        problems.append(Problem("title", _("Enter the plan's title.")))
    start, end = parse_date(parsed.get("start")), parse_date(parsed.get("end"))
    if start is None:
        problems.append(
            Problem(
                "start",
                _("The plan's start “%(value)s” is not a date (YYYY-MM-DD).") % {"value": parsed.get("start") or ""},
            )
        )
    if end is None:
        problems.append(
            Problem(
                "end", _("The plan's end “%(value)s” is not a date (YYYY-MM-DD).") % {"value": parsed.get("end") or ""}
            )
        )
    if start and end and end < start:
        problems.append(
            Problem(
                "end",
                _("The plan ends (%(end)s) before it starts (%(start)s).")
                % {"start": day_words(start), "end": day_words(end)},
            )
        )
    if parsed.get("period_assumed"):
        problems.append(Problem("start", _("The document states no plan period: enter its start and end.")))
    if parsed.get("first_period") and parse_month(parsed.get("first_period")) is None:
        problems.append(
            Problem(
                "first_period",
                _("The first reporting period “%(value)s” is not a month (YYYY-MM).")
                % {"value": parsed["first_period"]},
            )
        )
    return problems


def first_period_notices(parsed: dict) -> list[Problem]:
    """What the person should know about the first reporting period without it stopping the save.

    A first period after the plan's end (a plan imported after it ended) means no unit ever owes a report:
    the plan is kept as a record only. Said plainly, so it is a decision and not a surprise.
    """
    first, end = parse_month(parsed.get("first_period")), parse_date(parsed.get("end"))
    if first is None or end is None or first <= end:
        return []
    return [
        Problem(
            "first_period",
            _(
                "The first reporting period %(first)s is after the plan ends (%(end)s): no unit will ever owe a report "
                "for this plan and it is kept as a record only. To track it, choose a month within the plan's period "
                "(and tick “units owe the earlier months too” if that month is past due)."
            )
            % {"first": _month_words(first), "end": day_words(end)},
        )
    ]


def first_period_problems(parsed: dict, today: date | None) -> list[Problem]:
    """The first reporting period as it stands on `today` (the day of the check or of the save).

    A chosen first period whose report is already past due backdates the plan (every month from it shows
    as not reported at once) unless the person confirms it (``first_period_backdate``). A default first
    period is derived again on the day of the save (plan_import.at_save), so it never gets here past due.
    """
    first = parse_month(parsed.get("first_period"))
    if first is None or today is None or parsed.get("first_period_backdate"):
        return []
    open_from = first_period_not_past_due(today)
    if first >= open_from:
        return []
    return [
        Problem(
            "first_period",
            _(
                "The report for the first reporting period %(first)s is already past due (today is %(today)s): units "
                "would at once show as not reported for every month from %(first)s. Choose %(open)s or later, or tick "
                "“units owe the earlier months too”."
            )
            % {"first": _month_words(first), "today": day_words(today), "open": _month_words(open_from)},
        )
    ]


def _section_problems(sections: list) -> list[Problem]:
    problems, keys = [], {s.get("key") for s in sections}
    parents = {s.get("key"): s.get("parent") for s in sections}
    for k, section in enumerate(sections):
        if not (section.get("title") or "").strip():
            problems.append(
                Problem("section_title", _("Section %(n)s: enter the section's title.") % {"n": k + 1}, section=k)
            )
        parent, seen = section.get("parent"), {section.get("key")}
        if parent is not None and parent not in keys:
            problems.append(
                Problem(
                    "section_parent",
                    _("Section %(n)s “%(title)s”: the section it belongs under no longer exists; choose another.")
                    % {"n": k + 1, "title": section.get("title") or ""},
                    section=k,
                )
            )
            continue
        while parent is not None:
            if parent in seen:
                problems.append(
                    Problem(
                        "section_parent",
                        _(
                            "Section %(n)s “%(title)s” cannot belong under a section "
                            "that belongs under it; choose another."
                        )
                        % {"n": k + 1, "title": section.get("title") or ""},
                        section=k,
                    )
                )
                break
            seen.add(parent)
            parent = parents.get(parent)
    return problems


def task_label(task: dict) -> str:
    return _("Task %(seq)s “%(name)s”") % {"seq": task.get("seq"), "name": (task.get("name") or "")[:30]}


def _task_problems(index: int, task: dict, seen: dict, section_keys: set) -> list[Problem]:
    problems = []
    if task.get("section") is not None and task.get("section") not in section_keys:
        problems.append(
            Problem(
                "section",
                _("%(task)s: the section it was in no longer exists; choose one.") % {"task": task_label(task)},
                index,
            )
        )
    if not (task.get("name") or "").strip():
        problems.append(Problem("name", _("Task %(seq)s: enter the task's name.") % {"seq": task.get("seq")}, index))
    seq = str(task.get("seq"))
    if not seq.isdigit():
        problems.append(
            Problem(
                "seq",
                _("%(task)s: the number “%(seq)s” is not a whole number.") % {"task": task_label(task), "seq": seq},
                index,
            )
        )
    elif seq in seen:
        problems.append(
            Problem(
                "seq",
                _("%(task)s: number %(seq)s is already used by “%(other)s”.")
                % {"task": task_label(task), "seq": seq, "other": seen[seq]},
                index,
            )
        )
    seen.setdefault(seq, task.get("name") or "")
    return problems


def _indicator_problems(where: str, proposal: dict, plan_start: date | None) -> list[tuple[str, str]]:
    """(field, message) for one indicator; the plan's start is every indicator's start."""
    found = []
    kind = proposal.get("kind")
    if kind not in Kind.values:
        found.append(
            (
                "kind",
                _("%(where)s: choose a kind (increase, decrease, ceiling, floor or milestone).") % {"where": where},
            )
        )
    if (proposal.get("frequency") or Frequency.MONTHLY) not in Frequency.values:
        found.append(
            ("frequency", _("%(where)s: choose how often it is reported (monthly or quarterly).") % {"where": where})
        )
    target = parse_decimal(proposal.get("target_value"))
    if target is None:
        found.append(
            (
                "target_value",
                _("%(where)s: the target “%(value)s” is not a number.")
                % {"where": where, "value": proposal.get("target_value") or ""},
            )
        )
    raw_baseline = proposal.get("baseline")
    baseline = parse_decimal(raw_baseline) if raw_baseline not in (None, "") else None
    if raw_baseline in (None, ""):
        found.append(
            ("baseline", _("%(where)s: enter the baseline (the value at the plan's start).") % {"where": where})
        )
    elif baseline is None:
        found.append(
            (
                "baseline",
                _("%(where)s: the baseline “%(value)s” is not a number.") % {"where": where, "value": raw_baseline},
            )
        )
    if target is not None and baseline is not None:
        found += _value_problems(where, kind, baseline, target)
    stages = [(d, parse_decimal(v)) for d, v in _stages(proposal.get("milestones") or [])]
    # `where` names the indicator already: the message says only which figure and what it must be.
    found += [
        (
            field,
            _("%(where)s: %(what)s must be from 0 to 100, as the indicator is a share in percent (it is %(value)s).")
            % {"where": where, "what": what, "value": numbers.shown(value)},
        )
        for field, what, value in share_bound_breaches(
            name=(proposal.get("name") or "").strip(),
            unit=proposal.get("unit") or "",
            baseline=baseline,
            target=target,
            milestones=[(d, v) for d, v in stages if v is not None],
        )
    ]
    deadline = parse_date(proposal.get("deadline"))
    if deadline is None:
        found.append(
            (
                "deadline",
                _("%(where)s: the deadline “%(value)s” is not a date (YYYY-MM-DD).")
                % {"where": where, "value": proposal.get("deadline") or ""},
            )
        )
    elif plan_start and deadline < plan_start:
        found.append(
            (
                "deadline",
                _(
                    "%(where)s: the deadline %(deadline)s is before the plan starts (%(start)s); "
                    "move the deadline or the plan's start."
                )
                % {"where": where, "deadline": day_words(deadline), "start": day_words(plan_start)},
            )
        )
    found += _milestone_problems(where, proposal.get("milestones") or [], plan_start, deadline)
    return found


def _stages(milestones) -> list:
    """The (date, value) pairs of a proposal's stages, whatever is malformed left out (_milestone_problems names it)."""
    items = milestones if isinstance(milestones, list) else [milestones]
    return [tuple(item) for item in items if isinstance(item, (list, tuple)) and len(item) == 2]


def _value_problems(where: str, kind, baseline: Decimal, target: Decimal) -> list[tuple[str, str]]:
    if kind in PROGRESS_KINDS and target == baseline:
        message = _("%(where)s: the target equals the baseline; a target to reach must differ from where it starts.")
    elif kind == Kind.DECREASE and target > baseline:
        message = _("%(where)s: a decrease must end below its baseline.")
    elif kind == Kind.MILESTONE and not 0 < target <= 100:
        message = _("%(where)s: a milestone is measured in percent complete: the target is 1–100.")
    else:
        return []
    return [("target_value", message % {"where": where})]


def _milestone_problems(where: str, milestones, start: date | None, deadline: date | None) -> list[tuple[str, str]]:
    found, dates = [], set()
    for item in milestones if isinstance(milestones, list) else [milestones]:
        when, value = item if isinstance(item, (list, tuple)) and len(item) == 2 else (item, "")
        on = parse_date(when)
        if on is None or parse_decimal(value) is None:
            found.append(
                (
                    "milestones",
                    _("%(where)s: the stage “%(date)s: %(value)s” needs a date and a number.")
                    % {"where": where, "date": when, "value": value},
                )
            )
        elif (start and on < start) or (deadline and on > deadline):
            found.append(
                (
                    "milestones",
                    _(
                        "%(where)s: the stage due %(date)s lies outside the indicator's time "
                        "(%(start)s to %(deadline)s)."
                    )
                    % {
                        "where": where,
                        "date": day_words(on),
                        "start": day_words(start) if start else "",
                        "deadline": day_words(deadline) if deadline else "",
                    },
                )
            )
        elif on in dates:
            found.append(
                ("milestones", _("%(where)s: two stages fall on %(date)s.") % {"where": where, "date": day_words(on)})
            )
        dates.add(on)
    return found


def check_plan(parsed: dict, today: date | None = None) -> list[Problem]:
    """Every problem that would stop the plan from saving, in page order.

    With `today`, the first reporting period is also checked against that day (first_period_problems).
    """
    problems = _plan_problems(parsed) + first_period_problems(parsed, today)
    problems += _section_problems(parsed.get("sections") or [])
    section_keys = {s.get("key") for s in parsed.get("sections") or []}
    if not parsed.get("tasks"):
        problems.append(
            Problem(
                "tasks",
                _("No numbered task was found in the text.")
                if parsed.get("source") == "text"
                else _("The table holds no task rows."),
            )
        )
    plan_start = parse_date(parsed.get("start"))
    seen: dict[str, str] = {}
    for index, task in enumerate(parsed.get("tasks") or []):
        problems += _task_problems(index, task, seen, section_keys)
        for order, proposal in enumerate(task.get("indicators") or []):
            where = _("%(task)s, indicator %(n)s “%(name)s”") % {
                "task": task_label(task),
                "n": order + 1,
                "name": (proposal.get("name") or "")[:30],
            }
            problems += [
                Problem(field, message, index, order)
                for field, message in _indicator_problems(where, proposal, plan_start)
            ]
    undecided = [row["name"] for row in parsed.get("units") or [] if not row.get("decision")]
    if undecided:
        problems.append(
            Problem(
                "units",
                _("Decide for each of these units whether it is an existing unit or a new one: %(names)s.")
                % {"names": "、".join(undecided)},
            )
        )
    return problems
