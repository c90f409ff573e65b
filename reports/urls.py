"""Pages of the reports app, under /reports/, namespaced "reports"."""
from django.urls import include, path

app_name = "reports"

urlpatterns = [
    path("", include("reports.urls_bulletins")),
]
