"""The role groups and what each may do. Kept in one table so the permission tests can read it.

viewer       reads everything in the domain apps
storekeeper  reads, and creates, edits, posts and cancels stock documents
planner      reads, and manages parts, BOMs, suppliers, racks and production data
manager      everything in the domain apps, but not users, groups or API tokens
"""

from typing import Any

DOMAIN_APPS = ("inventory", "warehouse", "analytics")

# (app_label, model_name) -> actions beyond "view" that the role gets.
STOREKEEPER_MODELS = {
    ("warehouse", "stockdocument"): ("add", "change", "delete", "post", "cancel"),
    ("warehouse", "documentline"): ("add", "change", "delete"),
}
PLANNER_MODELS = {
    ("inventory", model): ("add", "change", "delete")
    for model in ("category", "manufacturer", "part", "supplier", "supplierpart", "bomline")
} | {
    ("warehouse", model): ("add", "change", "delete")
    for model in ("asset", "rackplacement", "connection")
}
# Analytics production data: every model in analytics that is not a read-only record.
PLANNER_APPS_FULL = ("analytics",)

ROLE_NAMES = ("viewer", "storekeeper", "planner", "manager")


def _role_allows(role: str, app_label: str, model: str, action: str) -> bool:
    if action == "view" or role == "manager":
        return True
    if role == "storekeeper":
        return action in STOREKEEPER_MODELS.get((app_label, model), ())
    if role == "planner":
        return (
            action in PLANNER_MODELS.get((app_label, model), ()) or app_label in PLANNER_APPS_FULL
        )
    return False


def _codenames_for(apps: Any, role: str) -> set[tuple[str, str]]:
    """Return (app_label, codename) pairs the role should hold."""
    Permission = apps.get_model("auth", "Permission")
    wanted: set[tuple[str, str]] = set()
    domain_perms = Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS).values_list(
        "content_type__app_label", "content_type__model", "codename"
    )
    for app_label, model, codename in domain_perms:
        if _role_allows(role, app_label, model, codename.split("_", 1)[0]):
            wanted.add((app_label, codename))
    # No role holds authtoken permissions: the token admin would show other users' keys (the
    # superuser's among them), and `manage.py api_token` is how keys are issued and revoked.
    return wanted


def sync_roles(apps: Any) -> None:
    """Create the groups and give each exactly its permissions (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLE_NAMES:
        group, _ = Group.objects.get_or_create(name=role)
        pairs = _codenames_for(apps, role)
        perms = [
            p
            for p in Permission.objects.filter(codename__in=[c for _, c in pairs]).select_related(
                "content_type"
            )
            if (p.content_type.app_label, p.codename) in pairs
        ]
        group.permissions.set(perms)


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    from django.apps import apps as global_apps

    if getattr(sender, "label", None) != "analytics":
        return
    using = kwargs.get("using", "default")
    if using != "default":
        return
    sync_roles(kwargs.get("apps") or global_apps)
