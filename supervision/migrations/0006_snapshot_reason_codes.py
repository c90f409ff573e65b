"""Snapshots frozen before reasons had codes keep their reasons as words; each one that a reason,
written back in the same language, gives exactly is stored as [code, params] like the stored lights
(targets.rules.reason_from_words). Words that no reason writes stay words, and are shown as they are."""
from django.db import migrations

BATCH = 2000


def reasons_to_codes(apps, schema_editor):
    from targets import rules

    StatusSnapshot = apps.get_model("supervision", "StatusSnapshot")
    changed = []
    for snapshot in StatusSnapshot.objects.only("id", "reasons").order_by("id").iterator(chunk_size=BATCH):
        if not any(isinstance(reason, str) for reason in snapshot.reasons):
            continue
        coded = [rules.reason_from_words(r) or r if isinstance(r, str) else r for r in snapshot.reasons]
        if coded != snapshot.reasons:
            snapshot.reasons = coded
            changed.append(snapshot)
        if len(changed) >= BATCH:
            StatusSnapshot.objects.bulk_update(changed, ["reasons"])
            changed = []
    StatusSnapshot.objects.bulk_update(changed, ["reasons"])


class Migration(migrations.Migration):
    dependencies = [("supervision", "0005_month_counts")]

    operations = [migrations.RunPython(reasons_to_codes, migrations.RunPython.noop)]
