"""The two editorial roles.

Editors write and maintain content and taxonomy; they cannot sign off.
Medical reviewers read everything and sign off or send back; they cannot edit
the content they review.
"""

from django.db import migrations

CONTENT_MODELS = ["article", "articleversion", "versionauthor", "versioncause", "reference", "faqentry"]
SUPPORT_MODELS = ["person", "series", "topic", "cause", "causegroup"]
ALL_MODELS = CONTENT_MODELS + SUPPORT_MODELS + ["review"]

EDITORS = (
    [f"{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change", "view")]
    + [f"delete_{model}" for model in ["articleversion", "versionauthor", "versioncause", "reference", "faqentry"]]
    + [f"{action}_{model}" for model in SUPPORT_MODELS for action in ("add", "change", "view")]
    + ["view_review"]
)
MEDICAL_REVIEWERS = [f"view_{model}" for model in ALL_MODELS] + ["sign_off_articleversion"]

GROUPS = {"Editors": EDITORS, "Medical reviewers": MEDICAL_REVIEWERS}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label__in=["articles", "taxonomy"], codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions not found for group {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("taxonomy", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
