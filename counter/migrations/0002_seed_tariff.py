"""Seed the tariff from ../shared/DOMAIN.md (the figures live in counter/seed.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from counter.seed import tariff_seed

    tariff_seed(
        Tariff=apps.get_model("counter", "Tariff"),
        AddonPrice=apps.get_model("counter", "AddonPrice"),
        TaxRate=apps.get_model("counter", "TaxRate"),
        Discount=apps.get_model("counter", "Discount"),
    )


class Migration(migrations.Migration):
    dependencies = [("counter", "0001_pin_directory_and_tariff")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
