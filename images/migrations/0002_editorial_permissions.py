"""Editors upload pictures and edit their words; medical reviewers see the library."""

from django.db import migrations

IMAGE_GROUPS = {
    "Editors": ["add_image", "change_image", "view_image"],
    "Medical reviewers": ["view_image"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in IMAGE_GROUPS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*Permission.objects.filter(content_type__app_label="images", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_images"),
        ("articles", "0002_editorial_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
