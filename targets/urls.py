from django.urls import path

from .views import entry, plans, review

urlpatterns = [
    path("", plans.home, name="home"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("my-work/", entry.my_work, name="my-work"),
    path("entry/<int:indicator_id>/<str:period>/", entry.entry, name="report-entry"),
    path("reports/<int:pk>/", entry.report_detail, name="report-detail"),
    path("reports/<int:pk>/comment/", entry.report_comment, name="report-comment"),
    path("reports/<int:pk>/review/", review.review, name="report-review"),
    path("reports/<int:pk>/reopen/", review.reopen, name="report-reopen"),
    path("evidence/<int:pk>/", entry.evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/remove/", entry.evidence_remove, name="evidence-remove"),
    path("review/", review.review_queue, name="review-queue"),
    path("review/approve/", review.review_bulk_approve, name="review-bulk-approve"),
    path("review/return/", review.review_bulk_return, name="review-bulk-return"),
    path("late-entry/", review.late_entry_grants, name="late-entry-grants"),
    path("late-entry/requests/<int:pk>/decide/", review.late_entry_decide, name="late-entry-decide"),
    path("late-entry/ask/<int:indicator_id>/", entry.late_entry_ask, name="late-entry-ask"),
]
