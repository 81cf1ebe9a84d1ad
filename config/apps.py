"""App config for project-wide pieces: role groups kept in step after every migrate, and the
API token cache forgotten whenever a token, a user or a permission changes."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConfigAppConfig(AppConfig):
    name = "config"
    label = "partline"
    verbose_name = "Partline"

    def ready(self) -> None:
        from config.api.authentication import connect_auth_cache_receivers
        from config.roles import sync_roles_after_migrate

        connect_auth_cache_receivers()

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="partline-sync-roles")
