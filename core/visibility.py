"""What each user may see, by model, for the machinery that cannot know the apps: an id the caller may
not see must answer exactly as an id that names nothing (one answer for "not yours" and "not there").

Each app registers its selectors in its AppConfig.ready(): `register(Indicator, indicators_visible_to)`.
core.api uses them to scope the related fields of request bodies (another unit's report in a body is
"object does not exist", as a missing id is) and the model filters of lists (?report= of another
unit's report is "not a valid choice", as a missing id is).
"""

_SCOPES = {}


def register(model, visible_to) -> None:
    """visible_to(user) -> the queryset of model's rows the user may see."""
    _SCOPES[model] = visible_to


def scoped(queryset, user):
    """queryset narrowed to what user may see, when its model registered a scope; else unchanged."""
    visible_to = _SCOPES.get(queryset.model)
    if visible_to is None or user is None:
        return queryset
    return queryset.filter(pk__in=visible_to(user).values("pk"))


def is_scoped(model) -> bool:
    return model in _SCOPES
