from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts import apis as account_apis
from accounts import urls as account_urls
from accounts.apis import ObtainTokenView, RevokeTokenView
from core.api import ApiDocsAccess, docs_page
from instructions.apis import InstructionViewSet
from regions import apis as region_apis
from reports import urls as report_urls
from reports.apis import bulletins as report_apis
from reports.apis.plans import PlanImportApi
from supervision import urls as supervision_urls
from supervision.apis import items as supervision_apis
from supervision.apis import snapshots as snapshot_apis
from targets.apis import entry as entry_apis
from targets.apis import plans as target_apis
from villages import apis as village_apis

from .health import healthz

router = DefaultRouter()
router.register("regions", region_apis.RegionViewSet, basename="region")
router.register("units", region_apis.UnitViewSet, basename="unit")
router.register("users", account_apis.UserViewSet, basename="user")
router.register("plans", target_apis.PlanViewSet, basename="plan")
router.register("sections", target_apis.SectionViewSet, basename="section")
router.register("targets", target_apis.TargetViewSet, basename="target")
router.register("indicators", target_apis.IndicatorViewSet, basename="indicator")
router.register("milestones", target_apis.MilestoneViewSet, basename="milestone")
router.register("progress-reports", target_apis.ProgressReportViewSet, basename="progressreport")
router.register("status-snapshots", snapshot_apis.StatusSnapshotViewSet, basename="statussnapshot")
router.register("evidence", entry_apis.EvidenceViewSet, basename="evidence")
router.register("report-comments", entry_apis.ReportCommentViewSet, basename="reportcomment")
router.register("report-versions", entry_apis.ReportVersionViewSet, basename="reportversion")
router.register("late-entry-grants", entry_apis.LateEntryGrantViewSet, basename="lateentrygrant")
router.register("supervision-items", supervision_apis.SupervisionItemViewSet, basename="supervisionitem")
router.register("villages", village_apis.VillageViewSet, basename="village")
router.register("village-profiles", village_apis.VillageProfileViewSet, basename="villageprofile")
router.register("income-records", village_apis.IncomeRecordViewSet, basename="incomerecord")
router.register("reports", report_apis.GeneratedReportViewSet, basename="generatedreport")
router.register("instructions", InstructionViewSet, basename="instruction")

urlpatterns = [
    path("", include("targets.urls")),
    path("villages/", include("villages.urls")),
    # The lists' exports are supervision pages served by reports, which reads the office's document frame.
    path(
        "supervision/",
        include((supervision_urls.urlpatterns + report_urls.supervision_export_urlpatterns, supervision_urls.app_name)),
    ),
    path("reports/", include("reports.urls")),
    path("instructions/", include("instructions.urls")),
    path("reports/", include(report_urls.excel_urlpatterns)),
    path("healthz", healthz, name="healthz"),
    path("notifications/", include(account_urls.notification_urlpatterns)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api/auth/logout/", RevokeTokenView.as_view(), name="api-token-revoke"),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[ApiDocsAccess]), name="api-schema"),
    path(
        "api/docs/",
        docs_page(SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[ApiDocsAccess])),
        name="api-docs",
    ),
    path("api/plans/import/", PlanImportApi.as_view(), name="api-plan-import"),
    path("api/", include((router.urls, "api"))),
]

handler500 = "accounts.errors.server_error"

# Uploaded files are served by views that check who may see them; /media/ is public only in DEBUG.
if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
