"""Pages of Excel in and out: plan import with preview, offline progress workbooks, ledger exports."""
from django.urls import path

from . import views_excel as views

urlpatterns = [
    path("import/", views.import_upload, name="import-upload"),
    path("import/<str:token>/", views.import_preview, name="import-preview"),
    path("progress/", views.progress_offline, name="excel-progress"),
    path("progress/template/", views.progress_template, name="excel-progress-template"),
    path("progress/marked/<str:token>/", views.progress_marked, name="excel-progress-marked"),
    path("exports/new/", views.export_new, name="excel-export-new"),
    path("exports/<int:pk>/", views.export_job, name="excel-export-job"),
    path("exports/<int:pk>/status/", views.export_status, name="excel-export-status"),
    path("exports/<int:pk>/download/", views.export_download, name="excel-export-download"),
]
