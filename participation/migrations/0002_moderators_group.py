"""The Moderators group: reads and decides on readers' stories (approve, reject with a reason,
edit with a reason), keeps the blocked-words list. Editors keep prompts and blocked words too.
Moderators have no permission on articles: moderating is not editing medical content."""

from django.db import migrations

MODERATORS = [
    "view_story",
    "change_story",
    "moderate_story",
    "view_storyedit",
    "view_prompt",
    "add_blockedword",
    "change_blockedword",
    "delete_blockedword",
    "view_blockedword",
]
EDITORS_EXTRA = [
    f"{action}_{model}"
    for model in ("prompt", "articleprompt", "blockedword")
    for action in ("add", "change", "delete", "view")
]
GROUPS = {"Moderators": MODERATORS}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in [("Moderators", MODERATORS), ("Editors", EDITORS_EXTRA)]:
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="participation", codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions not found for group {name}: {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0001_stories"),
        ("articles", "0002_editorial_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
