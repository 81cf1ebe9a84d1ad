"""Top-level URLs: pages per app, the versioned API, admin, docs and operations endpoints."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import accounts, views
from config.api import reports as report_api
from config.ops import health
from config.ops.metrics import metrics

admin.site.site_header = "Partline administration"
admin.site.site_title = "Partline"
admin.site.index_title = "Partline"

api_patterns = [
    path("", include("inventory.api.urls")),
    path("", include("warehouse.api.urls")),
    path("", include("analytics.api.urls")),
    path("reports/<int:pk>/", report_api.ReportJobStatusView.as_view(), name="api-report-job"),
    path(
        "reports/<int:pk>/download/",
        report_api.ReportJobDownloadView.as_view(),
        name="api-report-job-download",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("inventory/", include("inventory.urls")),
    path("warehouse/", include("warehouse.urls")),
    path("analytics/", include("analytics.urls")),
    path("api/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("reports/<int:pk>/", views.report_job_status, name="report-job-status"),
    path("reports/<int:pk>/download/", views.report_job_download, name="report-job-download"),
    path("health/", health.summary, name="health"),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("health/startup", health.startup, name="health-startup"),
    path("health/detailed", health.detailed, name="health-detailed"),
    path("metrics", metrics, name="metrics"),
]
# Unknown URLs under /api/ answer JSON, like the rest of the API.
handler404 = "config.api.handlers.page_not_found"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
