# Region and Unit moved here from villages: the tables (villages_region, villages_unit) and their rows stay;
# only Django's state moves, and the content types follow so permissions and admin history keep pointing at them.
import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def content_types_follow(apps, schema_editor):
    _relabel(apps, "villages", "regions")


def content_types_return(apps, schema_editor):
    _relabel(apps, "regions", "villages")


def _relabel(apps, old, new):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    for model in ("region", "unit"):
        if not content_types.filter(app_label=new, model=model).exists():
            content_types.filter(app_label=old, model=model).update(app_label=new)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('villages', '0003_economy_settings_version'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Region',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=12, unique=True, validators=[django.core.validators.RegexValidator('^\\d{12}$', 'A division code has exactly 12 digits (province 2, city 2, county 2, township 3, village 3).')], verbose_name='division code')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('level', models.CharField(choices=[('province', 'province'), ('city', 'city'), ('county', 'county'), ('township', 'township'), ('village', 'village')], db_index=True, max_length=10, verbose_name='level')),
                    ('kind', models.CharField(blank=True, help_text='街道 / 镇 / 乡 for townships, 行政村 / 社区 for villages.', max_length=20, verbose_name='kind')),
                    ('urban_rural_code', models.CharField(blank=True, max_length=3, verbose_name='urban-rural class code')),
                    ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='regions.region', verbose_name='parent')),
                ],
                options={
                    'verbose_name': 'region',
                    'verbose_name_plural': 'regions',
                    'db_table': 'villages_region',
                    'ordering': ['code'],
                },
            ),
            migrations.CreateModel(
                name='Unit',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('kind', models.CharField(choices=[('department', 'department'), ('township', 'township')], default='department', max_length=12, verbose_name='kind')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                    ('county', models.ForeignKey(limit_choices_to={'level': 'county'}, on_delete=django.db.models.deletion.PROTECT, related_name='units', to='regions.region', verbose_name='county')),
                    ('township', models.OneToOneField(blank=True, help_text='For a township unit: the township it governs.', limit_choices_to={'level': 'township'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='township_unit', to='regions.region', verbose_name='township')),
                ],
                options={
                    'verbose_name': 'unit',
                    'verbose_name_plural': 'units',
                    'db_table': 'villages_unit',
                    'ordering': ['county', 'kind', 'name'],
                    'constraints': [models.UniqueConstraint(fields=('county', 'name'), name='unit_unique_name_in_county')],
                },
            ),
        ]),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
