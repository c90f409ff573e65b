from django.urls import path

from . import views_bulletins as views

urlpatterns = [
    path("bulletins/", views.report_list, name="bulletins"),
    path("bulletins/frame/", views.document_frame, name="document-frame"),
    path("bulletins/notices/<int:item_pk>/", views.supervision_notice, name="supervision-notice"),
    path("bulletins/request/", views.report_request, name="bulletin-request"),
    path("bulletins/<int:pk>/", views.report_detail, name="bulletin"),
    path("bulletins/<int:pk>/<str:fmt>/", views.report_download, name="bulletin-download"),
]
