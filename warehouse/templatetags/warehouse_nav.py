"""The Warehouse section's sub-navigation; links to pages that may not exist yet are left out."""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

SECTIONS = (
    ("Stock", "warehouse:stock-overview", ("stock-overview", "part-stock")),
    ("Documents", "warehouse:document-list", ("document-list", "document-detail", "document-edit")),
    ("New document", "warehouse:document-create", ("document-create",)),
    ("Planner", "warehouse:planner", ("planner",)),
    ("Racks", "warehouse:rack-list", ("rack-list", "rack-detail", "rack-optimise")),
)


@register.inclusion_tag("warehouse/_subnav.html", takes_context=True)
def warehouse_subnav(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    current = getattr(getattr(request, "resolver_match", None), "url_name", "")
    links = []
    for label, name, active_names in SECTIONS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url, "active": current in active_names})
    return {"links": links}
