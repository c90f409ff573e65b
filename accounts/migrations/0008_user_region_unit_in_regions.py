import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_retire_drf_tokens'),
        ('regions', '0001_initial'),
    ]

    operations = [
        # State only: the foreign keys already point at these tables.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='user',
                name='region',
                field=models.ForeignKey(blank=True, help_text='The region a supervisor or leader oversees; empty means every region.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='users', to='regions.region', verbose_name='region'),
            ),
            migrations.AlterField(
                model_name='user',
                name='unit',
                field=models.ForeignKey(blank=True, help_text='The unit a reporter reports for.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='users', to='regions.unit', verbose_name='unit'),
            ),
        ]),
    ]
