import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0001_initial'),
        ('supervision', '0003_snapshot_share_and_evaluation_day'),
    ]

    operations = [
        # State only: the foreign keys already point at these tables.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='statussnapshot',
                name='unit',
                field=models.ForeignKey(blank=True, help_text="Empty for the indicator's own light; a township unit for the light of its allocated share.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='regions.unit', verbose_name='township share of'),
            ),
            migrations.AlterField(
                model_name='supervisionitem',
                name='unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='supervision_items', to='regions.unit', verbose_name='unit'),
            ),
        ]),
    ]
