from django.urls import path

from . import views

app_name = "instructions"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("export.xlsx", views.ledger_export, name="ledger-export"),
    path("new/<str:kind>/<int:pk>/", views.issue, name="issue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/respond/", views.respond, name="respond"),
    path("<int:pk>/close/", views.close, name="close"),
]
