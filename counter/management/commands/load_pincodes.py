"""Load (or refresh) the PIN directory from the public All India Pincode Directory CSV.

    manage.py load_pincodes path/to/pincode.csv      (also .csv.gz, or - for stdin)
    manage.py load_pincodes --demo                   the subset shipped in counter/data/

Safe to run again: rows are upserted on (PIN, office name).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from counter.pins import DEMO_CSV, pin_directory_load


class Command(BaseCommand):
    help = "Load the All India Pincode Directory CSV into the counter's PIN directory."

    def add_arguments(self, parser) -> None:
        parser.add_argument("csv", nargs="?", help="path to the CSV (.csv or .csv.gz), or - for standard input")
        parser.add_argument("--demo", action="store_true", help="load the demo subset shipped with Dakghar")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options) -> None:
        source = str(DEMO_CSV) if options["demo"] else options["csv"]
        if not source:
            raise CommandError("Give the CSV path, or --demo.")
        if source == "-":
            stream = sys.stdin
        else:
            path = Path(source)
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            opener = gzip.open if path.suffix == ".gz" else open
            stream = opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="")
        try:
            stats = pin_directory_load(lines=stream, batch_size=options["batch_size"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if stream is not sys.stdin:
                stream.close()
        skipped = ", ".join(f"{reason}: {n}" for reason, n in sorted(stats.skipped.items())) or "none"
        self.stdout.write(
            self.style.SUCCESS(f"PIN directory: {stats.read} rows read, {stats.upserted} upserted; skipped {skipped}.")
        )
