"""Reports made before the sign-off flow existed (0010) read 未走签发流程, not 待签发: nobody will sign them."""

from django.db import migrations, models
from django.db.migrations.recorder import MigrationRecorder

SIGNOFF_MIGRATION = ("reports", "0010_report_signoff")


def mark_reports_before_signoff(apps, schema_editor):
    """Every report still awaiting sign-off that was asked for before 0010 was applied on this database
    (a fresh database has none: 0010 and this run together, before any report)."""
    recorder = MigrationRecorder(schema_editor.connection)
    applied = recorder.migration_qs.filter(app=SIGNOFF_MIGRATION[0], name=SIGNOFF_MIGRATION[1]).first()
    if applied is None:
        return
    GeneratedReport = apps.get_model("reports", "GeneratedReport")
    GeneratedReport.objects.using(schema_editor.connection.alias).filter(
        signoff="awaiting", signed_by__isnull=True, created_at__lt=applied.applied
    ).update(signoff="predates")


def unmark(apps, schema_editor):
    GeneratedReport = apps.get_model("reports", "GeneratedReport")
    GeneratedReport.objects.using(schema_editor.connection.alias).filter(signoff="predates").update(signoff="awaiting")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0011_report_heartbeat"),
    ]

    operations = [
        migrations.AlterField(
            model_name="generatedreport",
            name="signoff",
            field=models.CharField(
                choices=[
                    ("awaiting", "awaiting sign-off"),
                    ("signed", "signed off"),
                    ("returned", "returned to the office"),
                    ("predates", "not put through sign-off"),
                ],
                default="awaiting",
                max_length=8,
                verbose_name="sign-off",
            ),
        ),
        migrations.RunPython(mark_reports_before_signoff, unmark),
    ]
