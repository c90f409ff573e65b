from django.urls import include, path

urlpatterns = [
    path("", include("reports.urls_excel")),
]
