"""Rack API permissions: reads need view_location; placement writes their rackplacement perm."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class RackPermission(BasePermission):
    """Reads need view_location; placement writes need the matching rackplacement permission."""

    WRITE_PERMS = {
        ("placements", "POST"): "warehouse.add_rackplacement",
        ("placement_detail", "DELETE"): "warehouse.delete_rackplacement",
        ("apply", "POST"): "warehouse.change_rackplacement",
    }

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        needed = ["warehouse.view_location"]
        extra = self.WRITE_PERMS.get((getattr(view, "action", None), request.method))
        if extra:
            needed.append(extra)
        return user.has_perms(needed)
