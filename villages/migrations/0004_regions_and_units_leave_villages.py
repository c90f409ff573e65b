import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_user_region_unit_in_regions'),
        ('regions', '0001_initial'),
        ('reports', '0006_units_and_regions_in_regions'),
        ('supervision', '0004_units_in_regions'),
        ('targets', '0005_units_and_regions_in_regions'),
        ('villages', '0003_economy_settings_version'),
    ]

    operations = [
        # State only: the foreign keys already point at these tables.
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveField(
                model_name='region',
                name='parent',
            ),
            migrations.AlterField(
                model_name='incomerecord',
                name='village',
                field=models.ForeignKey(limit_choices_to={'level': 'village'}, on_delete=django.db.models.deletion.PROTECT, related_name='income_records', to='regions.region', verbose_name='village'),
            ),
            migrations.AlterField(
                model_name='villageprofile',
                name='village',
                field=models.OneToOneField(limit_choices_to={'level': 'village'}, on_delete=django.db.models.deletion.CASCADE, related_name='profile', to='regions.region', verbose_name='village'),
            ),
            migrations.AlterField(
                model_name='derivedrule',
                name='scope',
                field=models.ForeignKey(help_text='The county or township whose villages count.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='scope'),
            ),
            migrations.AlterField(
                model_name='countyeconomysettings',
                name='county',
                field=models.OneToOneField(limit_choices_to={'level': 'county'}, on_delete=django.db.models.deletion.CASCADE, related_name='economy_settings', to='regions.region', verbose_name='county'),
            ),
            migrations.DeleteModel(
                name='Unit',
            ),
            migrations.DeleteModel(
                name='Region',
            ),
        ]),
    ]
