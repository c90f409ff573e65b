"""The supervision pages under /supervision/. The lists' .xlsx and .docx exports share the "supervision" names
and paths but are served by reports (reports.urls.supervision_export_urlpatterns, added by config.urls), which
reads the office's document frame."""

from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("search/", views.search, name="search"),
    path("list/", views.flagged_list, name="list"),
    path("league/", views.league, name="league"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/issue/", views.item_issue, name="item-issue"),
    path("items/", views.items, name="items"),
    path("items/<int:pk>/", views.item_detail, name="item-detail"),
    path("freeze/", views.freeze, name="freeze"),
]
