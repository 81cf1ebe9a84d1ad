"""Create the role groups (viewer, storekeeper, planner, manager) with their permissions."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    from config.roles import sync_roles

    # Permissions are normally created after migrate; make them now so groups can hold them.
    # models_module is restored afterwards: leaving it None would make every later post_migrate
    # in this process (a test run's flush) skip the app, so content types, permissions and the
    # role groups would vanish after the first transactional test.
    for app_config in global_apps.get_app_configs():
        original = app_config.models_module
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original
    sync_roles(apps)


def remove_roles(apps, schema_editor):
    from config.roles import ROLE_NAMES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("inventory", "0001_initial"),
        ("warehouse", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
