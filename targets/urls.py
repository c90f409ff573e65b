from django.urls import path

from . import entry_views, review_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("my-work/", entry_views.my_work, name="my-work"),
    path("entry/<int:indicator_id>/<str:period>/", entry_views.entry, name="report-entry"),
    path("reports/<int:pk>/", entry_views.report_detail, name="report-detail"),
    path("reports/<int:pk>/comment/", entry_views.report_comment, name="report-comment"),
    path("reports/<int:pk>/review/", review_views.review, name="report-review"),
    path("reports/<int:pk>/reopen/", review_views.reopen, name="report-reopen"),
    path("evidence/<int:pk>/", entry_views.evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/remove/", entry_views.evidence_remove, name="evidence-remove"),
    path("review/", review_views.review_queue, name="review-queue"),
    path("review/approve/", review_views.review_bulk_approve, name="review-bulk-approve"),
    path("review/return/", review_views.review_bulk_return, name="review-bulk-return"),
    path("late-entry/", review_views.late_entry_grants, name="late-entry-grants"),
    path("late-entry/requests/<int:pk>/decide/", review_views.late_entry_decide, name="late-entry-decide"),
    path("late-entry/ask/<int:indicator_id>/", entry_views.late_entry_ask, name="late-entry-ask"),
]
