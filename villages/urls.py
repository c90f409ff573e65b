from django.urls import path

from . import views

app_name = "villages"

urlpatterns = [
    path("", views.village_list, name="village-list"),
    path("export.xlsx", views.village_export, name="village-export"),
    path("income/import/", views.income_import, name="income-import"),
    path("income/template.xlsx", views.income_template, name="income-template"),
    path("income/pending/", views.pending_records, name="pending-records"),
    path("regions/import/", views.regions_import, name="regions-import"),
    path("derived/<int:indicator_pk>/", views.derived_rule, name="derived-rule"),
    path("settings/", views.economy_settings, name="economy-settings"),
    path("records/<int:pk>/edit/", views.record_edit, name="record-edit"),
    path("records/<int:pk>/submit/", views.record_submit, name="record-submit"),
    path("records/<int:pk>/review/", views.record_review, name="record-review"),
    path("records/<int:pk>/reopen/", views.record_reopen, name="record-reopen"),
    path("<str:code>/", views.village_detail, name="village-detail"),
    path("<str:code>/records/new/", views.record_create, name="record-create"),
    path("<str:code>/profile/", views.profile_edit, name="profile-edit"),
]
