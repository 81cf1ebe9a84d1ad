"""Admin for API tokens and the project's internal tables, and the superuser-only rule for them.

DRF's own TokenAdmin lists every key, so anyone with view_tokenproxy could copy the superuser's
key and use it on the API. Keys are issued and revoked with `manage.py api_token`, which prints a
new key once to the person at the shell; the admin only shows that a token exists.

Internal tables (idempotency records hold other users' answers; login attempts hold addresses)
are for superusers only, whatever model permissions a role holds: their admins use
``SuperuserOnlyAdmin``.
"""

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from config.models import ReportJob


class SuperuserOnlyAdmin:
    """Mix into a ModelAdmin (first base) so that only active superusers see or touch the table."""

    @staticmethod
    def _superuser(request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._superuser(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]


# django-axes' login records (usernames and addresses of failed logins).
for _model, _admin_class in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, type(_admin_class.__name__, (SuperuserOnlyAdmin, _admin_class), {}))

if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ApiTokenAdmin(admin.ModelAdmin):
    # No "key" column, no link to a change page (its title and breadcrumbs print str(token),
    # which is the key), no actions (a delete confirmation prints it too).
    list_display = ("user", "created")
    list_display_links = None
    list_filter = ("created",)
    search_fields = TokenAdmin.search_fields
    search_help_text = TokenAdmin.search_help_text
    ordering = TokenAdmin.ordering
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[TokenProxy]:
        queryset = super().get_queryset(request).select_related("user")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(user_id=request.user.pk)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # `manage.py api_token create USERNAME` issues keys

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # `manage.py api_token revoke USERNAME` revokes them

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            return False  # the object page would show the key as its title
        return super().has_view_permission(request, obj)


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    """Background report jobs: what ran, for whom, how far it got and why one failed."""

    list_display = ("pk", "kind", "file_format", "status", "progress", "created_by", "created_at")
    list_filter = ("status", "kind", "file_format")
    date_hierarchy = "created_at"
    search_fields = ("kind", "created_by__username", "error")
    readonly_fields = [field.name for field in ReportJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
