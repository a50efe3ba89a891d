from django.db import migrations

from participation.immutability import install_in_migration


class Migration(migrations.Migration):
    dependencies = [("participation", "0005_subscriptions")]

    operations = [migrations.RunPython(install_in_migration, migrations.RunPython.noop)]
