"""Celery entry points: thin, they call services (see CELERY_BEAT_SCHEDULE in settings)."""

from __future__ import annotations

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="banking.tasks.posb_sweep")
def posb_sweep() -> dict:
    """End of day IST: sweep every holder's excess over the cap to their POSB account."""
    report = services.posb_sweep_run()
    logger.info(
        "posb sweep %s: %d holders over the cap, %d entries, %d paise swept, %d left over (no POSB link)",
        report.day,
        report.holders_over_cap,
        report.swept_entries,
        report.swept_paise,
        report.breaches,
    )
    return {"holders": report.holders_over_cap, "swept_paise": report.swept_paise, "breaches": report.breaches}


@shared_task(name="banking.tasks.ledger_check")
def ledger_check() -> bool:
    """Nightly: every ledger invariant; the result is stored for the postmaster's home."""
    run = services.ledger_check_run()
    if not run.ok:
        logger.error("ledger_check found %d problems (run %d)", len(run.problems), run.pk)
    return run.ok
