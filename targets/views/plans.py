"""Pages: thin, they call one selector (or the plan page's cached body) and render."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .. import selectors
from ..selectors import entry as entry_selectors
from . import home_page, plan_page


def _as_of(request) -> date:
    try:
        return date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def home(request):
    as_of = _as_of(request)
    plans = selectors.home_plans(request.user)
    summaries = selectors.plan_light_counts(plans=plans, user=request.user, as_of=as_of)
    own = None
    if request.user.is_reporter:
        # A reporter reads its own counts beside the county's, as on the plan page.
        counts = entry_selectors.unit_own_light_counts(user=request.user, plans=plans, as_of=as_of)
        own = {
            pk: {"counts": c, "total": sum(c.values()), "county_total": sum(summaries[pk].values())}
            for pk, c in counts.items()
        }
    cards = home_page.plan_cards(plans=plans, summaries=summaries, own_summaries=own)
    return render(request, "targets/home.html", {"plans": plans, "cards": cards, "as_of": as_of})


@login_required
def plan_detail(request, pk):
    plan = get_object_or_404(selectors.plans_visible_to(request.user).select_related("region"), pk=pk)
    as_of = _as_of(request)
    body = plan_page.plan_body(plan=plan, user=request.user, as_of=as_of)
    return render(request, "targets/plan_detail.html", {"plan": plan, "as_of": as_of, **body})
