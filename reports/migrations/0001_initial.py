from django.db import migrations


class Migration(migrations.Migration):
    """The reports app starts empty; its models arrive in later migrations."""

    initial = True
    dependencies = []
    operations = []
