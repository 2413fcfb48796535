"""manage.py ledger_check: exit 0 when every ledger invariant holds, 1 with the list otherwise."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from banking.services import ledger_check_run


class Command(BaseCommand):
    help = (
        "Check the ledger: every entry balances, every stored balance equals the sum of its "
        "postings, nothing is negative. Stores the result for the postmaster's home."
    )

    def handle(self, *args, **options) -> None:
        run = ledger_check_run()
        summary = f"{run.entries_checked} entries, {run.accounts_checked} accounts checked"
        if run.ok:
            self.stdout.write(self.style.SUCCESS(f"ledger_check: OK ({summary})"))
            return
        for problem in run.problems:
            self.stderr.write(problem)
        raise CommandError(f"ledger_check: {len(run.problems)} problem(s) ({summary})")
