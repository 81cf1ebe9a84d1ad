"""Take the API-token permissions away from the manager group.

Managers held view_token/view_tokenproxy, so the token admin showed them every user's key (the
superuser's too), and that key worked on the API. Keys are issued and revoked with
`manage.py api_token`; no role needs an authtoken permission. The post_migrate sync in
config/roles.py keeps groups in step from now on; this migration records the change for databases
migrated before it.
"""

from django.db import migrations


def remove_token_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    token_permissions = Permission.objects.filter(content_type__app_label="authtoken")
    for group in Group.objects.filter(name="manager"):
        group.permissions.remove(*token_permissions)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_roles")]

    # Reversing does not give the permissions back: that would reopen the leak.
    operations = [migrations.RunPython(remove_token_permissions, migrations.RunPython.noop)]
