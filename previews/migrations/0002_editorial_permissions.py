"""Editors make, read and revoke expert preview links and read the comments; reviewers read them."""

from django.db import migrations

PREVIEW_GROUPS = {
    "Editors": ["add_previewlink", "view_previewlink", "view_expertcomment"],
    "Medical reviewers": ["view_previewlink", "view_expertcomment"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PREVIEW_GROUPS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="previews", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("previews", "0001_initial"),
        ("articles", "0002_editorial_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
