"""Pages of the reports app under /reports/: bulletins, namespaced "reports" (`urlpatterns`), and Excel in and out
(plan import with preview, offline progress workbooks, ledger exports), whose names are not namespaced
(`excel_urlpatterns`, included by config.urls)."""

from django.urls import path

from .views import bulletins, excel, lists

app_name = "reports"

urlpatterns = [
    path("bulletins/", bulletins.report_list, name="bulletins"),
    path("bulletins/frame/", bulletins.document_frame, name="document-frame"),
    path("bulletins/notices/<int:item_pk>/", bulletins.supervision_notice, name="supervision-notice"),
    path("bulletins/request/", bulletins.report_request, name="bulletin-request"),
    path("bulletins/<int:pk>/", bulletins.report_detail, name="bulletin"),
    path("bulletins/<int:pk>/signoff/", bulletins.report_signoff, name="bulletin-signoff"),
    path("bulletins/<int:pk>/regenerate/", bulletins.report_regenerate, name="bulletin-regenerate"),
    path("bulletins/<int:pk>/<str:fmt>/", bulletins.report_download, name="bulletin-download"),
]

excel_urlpatterns = [
    path("import/", excel.import_upload, name="import-upload"),
    path("import/<str:token>/", excel.import_preview, name="import-preview"),
    path("progress/", excel.progress_offline, name="excel-progress"),
    path("progress/template/", excel.progress_template, name="excel-progress-template"),
    path("progress/marked/<str:token>/", excel.progress_marked, name="excel-progress-marked"),
    path("exports/new/", excel.export_new, name="excel-export-new"),
    path("exports/<int:pk>/", excel.export_job, name="excel-export-job"),
    path("exports/<int:pk>/status/", excel.export_status, name="excel-export-status"),
    path("exports/<int:pk>/download/", excel.export_download, name="excel-export-download"),
]

# The dashboards' lists as files, named and placed as supervision pages ("supervision:list-export" at
# /supervision/list/export.xlsx …); config.urls adds them to the supervision namespace.
supervision_export_urlpatterns = [
    path("list/export.xlsx", lists.flagged_export, name="list-export"),
    path("list/export.docx", lists.flagged_export, {"fmt": "docx"}, name="list-export-docx"),
    path("league/export.xlsx", lists.league_export, name="league-export"),
    path("league/export.docx", lists.league_export, {"fmt": "docx"}, name="league-export-docx"),
    path("items/export.xlsx", lists.items_export, name="items-export"),
    path("items/export.docx", lists.items_export, {"fmt": "docx"}, name="items-export-docx"),
]
