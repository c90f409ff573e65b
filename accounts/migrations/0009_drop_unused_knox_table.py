"""knox's migrations made knox_authtoken before MIGRATION_MODULES turned them off: the model is swapped
for accounts.ApiToken, so nothing uses or flushes the table, and its key to accounts_user would stop
the TRUNCATE of users on PostgreSQL."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_user_region_unit_in_regions")]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS knox_authtoken", migrations.RunSQL.noop)]
