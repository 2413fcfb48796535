"""Load the small PIN directory subset shipped in counter/data/pincodes_demo.csv: every
office the demo personas use, some neighbours, and a head office in each distance
band from Bhagalpur. A real deployment then runs `manage.py load_pincodes <csv>`,
which upserts over these rows."""

from django.db import migrations


def load(apps, schema_editor):
    from counter.pins import DEMO_CSV, pin_directory_load

    with open(DEMO_CSV, encoding="utf-8-sig", newline="") as stream:
        pin_directory_load(lines=stream, model=apps.get_model("counter", "PinOffice"))


class Migration(migrations.Migration):
    dependencies = [("counter", "0002_seed_tariff")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
