from django.db import migrations

from images.immutability import install_in_migration


class Migration(migrations.Migration):
    """The database refuses to change a picture's file fields, or to delete one a signed-off version shows."""

    dependencies = [("images", "0002_editorial_permissions")]

    operations = [migrations.RunPython(install_in_migration, migrations.RunPython.noop)]
