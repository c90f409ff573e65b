from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("search/", views.search, name="search"),
    path("list/", views.flagged_list, name="list"),
    path("list/export.xlsx", views.flagged_export, name="list-export"),
    path("list/export.docx", views.flagged_export, {"fmt": "docx"}, name="list-export-docx"),
    path("league/", views.league, name="league"),
    path("league/export.xlsx", views.league_export, name="league-export"),
    path("league/export.docx", views.league_export, {"fmt": "docx"}, name="league-export-docx"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/issue/", views.item_issue, name="item-issue"),
    path("items/", views.items, name="items"),
    path("items/export.xlsx", views.items_export, name="items-export"),
    path("items/export.docx", views.items_export, {"fmt": "docx"}, name="items-export-docx"),
    path("items/<int:pk>/", views.item_detail, name="item-detail"),
    path("freeze/", views.freeze, name="freeze"),
]
