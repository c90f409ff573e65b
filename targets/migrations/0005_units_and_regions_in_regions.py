import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0001_initial'),
        ('targets', '0004_late_entry_requests'),
    ]

    operations = [
        # State only: the foreign keys already point at these tables.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='allocation',
                name='unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='allocations', to='regions.unit', verbose_name='unit'),
            ),
            migrations.AlterField(
                model_name='lateentrygrant',
                name='unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='late_entry_grants', to='regions.unit', verbose_name='unit'),
            ),
            migrations.AlterField(
                model_name='lateentryrequest',
                name='unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='late_entry_requests', to='regions.unit', verbose_name='unit'),
            ),
            migrations.AlterField(
                model_name='plan',
                name='region',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='regions.region', verbose_name='region'),
            ),
            migrations.AlterField(
                model_name='progressreport',
                name='unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='regions.unit', verbose_name='unit'),
            ),
            migrations.AlterField(
                model_name='target',
                name='co_units',
                field=models.ManyToManyField(blank=True, related_name='shared_targets', to='regions.unit', verbose_name='co-units'),
            ),
            migrations.AlterField(
                model_name='target',
                name='lead_units',
                field=models.ManyToManyField(blank=True, related_name='led_targets', to='regions.unit', verbose_name='lead units'),
            ),
        ]),
    ]
