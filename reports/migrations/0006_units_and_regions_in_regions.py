import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0001_initial'),
        ('reports', '0005_report_pdf'),
    ]

    operations = [
        # State only: the foreign keys already point at these tables.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='documentframe',
                name='region',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='document_frame', to='regions.region', verbose_name='region'),
            ),
            migrations.AlterField(
                model_name='generatedreport',
                name='region',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='generated_reports', to='regions.region', verbose_name='region'),
            ),
            migrations.AlterField(
                model_name='remindersent',
                name='unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='regions.unit', verbose_name='unit'),
            ),
            migrations.AlterField(
                model_name='reportschedule',
                name='region',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='report_schedule', to='regions.region', verbose_name='region'),
            ),
        ]),
    ]
