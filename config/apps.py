"""App config for project-wide pieces: role groups are kept in step after every migrate."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConfigAppConfig(AppConfig):
    name = "config"
    label = "partline"
    verbose_name = "Partline"

    def ready(self) -> None:
        from config.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="partline-sync-roles")
