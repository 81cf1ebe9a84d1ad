"""The Warehouse section's sub-navigation: only the pages this user may open."""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

# (label, URL name, URL names that mark it active, permissions its page needs)
SECTIONS = (
    (
        "Stock",
        "warehouse:stock-overview",
        ("stock-overview", "part-stock"),
        ("warehouse.view_stocklevel",),
    ),
    (
        "Documents",
        "warehouse:document-list",
        ("document-list", "document-detail", "document-edit"),
        ("warehouse.view_stockdocument",),
    ),
    (
        "New document",
        "warehouse:document-create",
        ("document-create",),
        ("warehouse.add_stockdocument",),
    ),
    (
        "Planner",
        "warehouse:planner",
        ("planner",),
        ("inventory.view_part", "warehouse.view_stocklevel"),
    ),
    (
        "Racks",
        "warehouse:rack-list",
        ("rack-list", "rack-detail", "rack-optimise"),
        ("warehouse.view_location",),
    ),
)


@register.inclusion_tag("warehouse/_subnav.html", takes_context=True)
def warehouse_subnav(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    current = getattr(getattr(request, "resolver_match", None), "url_name", "")
    user = getattr(request, "user", None)
    links = []
    for label, name, active_names, perms in SECTIONS:
        if user is None or not user.has_perms(perms):
            continue  # a link the user may not follow is only a 403 waiting to happen
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url, "active": current in active_names})
    return {"links": links}
