"""Pages of Excel in and out: plan import with preview, offline progress workbooks, ledger exports."""
from django.urls import path

from . import views_excel as views

urlpatterns = [
    path("import/", views.import_upload, name="import-upload"),
    path("import/<str:token>/", views.import_preview, name="import-preview"),
]
