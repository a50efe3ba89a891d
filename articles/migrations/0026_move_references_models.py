"""Source and LinkCheck move to the references app, their tables and rows untouched.

State only for the models: references 0001_initial has taken them over (same fields,
Meta.db_table keeping articles_source and articles_linkcheck); no foreign key points
at either. Their content types move from app label "articles" to "references", so
their permissions keep their ids, and every group's and user's grant of them (the
Editors' add/change/view_source, the reviewers' view_source) holds under the new
label ("references.change_source"). Reversible: migrating back moves them home.
"""

from django.db import migrations

MOVED_MODELS = ["source", "linkcheck"]


def _move_content_types(apps, schema_editor, *, old_label: str, new_label: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    alias = schema_editor.connection.alias
    content_types = ContentType.objects.using(alias)
    for model in MOVED_MODELS:
        moving = content_types.filter(app_label=old_label, model=model).first()
        if moving is None:
            continue  # never made (no permissions yet): the next post_migrate makes it under the new label
        made_meanwhile = content_types.filter(app_label=new_label, model=model).first()
        if made_meanwhile is not None:
            # A post_migrate between the two apps' migrations (`migrate references` alone) made the
            # new label's row and permissions: keep the old rows (their ids are the ones granted),
            # carry any grant of the new ones over, then drop the new ones.
            for permission in Permission.objects.using(alias).filter(content_type=made_meanwhile):
                kept = Permission.objects.using(alias).filter(content_type=moving, codename=permission.codename).first()
                if kept is not None:
                    kept.group_set.add(*permission.group_set.all())
                    kept.user_set.add(*permission.user_set.all())
            made_meanwhile.delete()
        moving.app_label = new_label
        moving.save(update_fields=["app_label"])


def to_references(apps, schema_editor):
    _move_content_types(apps, schema_editor, old_label="articles", new_label="references")


def to_articles(apps, schema_editor):
    _move_content_types(apps, schema_editor, old_label="references", new_label="articles")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0025_move_reader_models"),
        ("references", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="LinkCheck"),
                migrations.DeleteModel(name="Source"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(to_references, to_articles),
    ]
