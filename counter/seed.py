"""The tariff as first seeded, from ../shared/DOMAIN.md (Speed Post from 1 October 2025).

Used by migration 0002 (with its historical models) and by tests that need the
reference data back after a transactional test emptied the database.

Figures marked "provisional" in the note were not confirmed when this was written
(the intermediate distance bands, everything above 500 g, the Speed Post parcel
rates): an administrator corrects them in the admin by ending the row and adding
a new one.
"""

from datetime import date

START = date(2025, 10, 1)
BANDS = ["local", "upto_200", "upto_500", "upto_1000", "upto_2000", "above_2000"]
CONFIRMED = "DOMAIN.md: Speed Post tariff from 1 Oct 2025"
PROVISIONAL = "provisional: figure not confirmed, plausible value between the confirmed ones"

# service, weight_from_g, weight_to_g, step_g, {band: (rupees, step_rupees, confirmed?)}
ROWS = [
    ("speed_post_document", 1, 50, None, {b: (19 if b == "local" else 47, 0, True) for b in BANDS}),
    (
        "speed_post_document",
        51,
        250,
        None,
        {
            "local": (24, 0, True),
            "upto_200": (59, 0, True),
            "upto_500": (63, 0, False),
            "upto_1000": (68, 0, False),
            "upto_2000": (72, 0, False),
            "above_2000": (77, 0, True),
        },
    ),
    (
        "speed_post_document",
        251,
        500,
        None,
        {
            "local": (28, 0, True),
            "upto_200": (70, 0, True),
            "upto_500": (75, 0, False),
            "upto_1000": (82, 0, False),
            "upto_2000": (86, 0, False),
            "above_2000": (93, 0, True),
        },
    ),
    # Above 500 g: the 500 g price plus a step for every further 500 g or part.
    (
        "speed_post_document",
        501,
        35000,
        500,
        {
            "local": (28, 10, False),
            "upto_200": (70, 20, False),
            "upto_500": (75, 25, False),
            "upto_1000": (82, 30, False),
            "upto_2000": (86, 35, False),
            "above_2000": (93, 40, False),
        },
    ),
    (
        "speed_post_parcel",
        1,
        500,
        None,
        {
            "local": (35, 0, False),
            "upto_200": (75, 0, False),
            "upto_500": (80, 0, False),
            "upto_1000": (90, 0, False),
            "upto_2000": (95, 0, False),
            "above_2000": (105, 0, False),
        },
    ),
    (
        "speed_post_parcel",
        501,
        35000,
        500,
        {
            "local": (35, 12, False),
            "upto_200": (75, 25, False),
            "upto_500": (80, 30, False),
            "upto_1000": (90, 35, False),
            "upto_2000": (95, 40, False),
            "above_2000": (105, 45, False),
        },
    ),
    # Ordinary parcel: the older figures DOMAIN.md gives for fixtures, same in every band.
    ("parcel", 1, 500, None, dict.fromkeys(BANDS, (19, 0, True))),
    ("parcel", 501, 20000, 500, dict.fromkeys(BANDS, (19, 16, True))),
]


def tariff_seed(*, Tariff, AddonPrice, TaxRate, Discount) -> None:
    """Idempotent: rows already there are left as they are."""
    for service, low, high, step, bands in ROWS:
        for band, (rupees, step_rupees, confirmed) in bands.items():
            Tariff.objects.get_or_create(
                service=service,
                band=band,
                weight_from_g=low,
                effective_from=START,
                defaults={
                    "weight_to_g": high,
                    "amount_paise": rupees * 100,
                    "step_g": step,
                    "step_paise": step_rupees * 100,
                    "note": (
                        "DOMAIN.md: older ordinary parcel figures (fixtures)"
                        if service == "parcel"
                        else (CONFIRMED if confirmed else PROVISIONAL)
                    ),
                },
            )
    for addon in ("registration", "otp"):
        AddonPrice.objects.get_or_create(
            addon=addon, effective_from=START, defaults={"amount_paise": 500, "note": "DOMAIN.md: Rs 5 + GST"}
        )
    TaxRate.objects.get_or_create(
        name="gst", effective_from=date(2017, 7, 1), defaults={"rate_bp": 1800, "note": "DOMAIN.md: GST 18%"}
    )
    for kind, rate in (("student", 1000), ("bulk_new", 500)):
        Discount.objects.get_or_create(
            kind=kind, effective_from=START, defaults={"rate_bp": rate, "note": "DOMAIN.md: discounts"}
        )


def reference_data_ensure() -> None:
    """Tariff and demo PIN directory present (for tests and a fresh embedded database)."""
    from .models import AddonPrice, Discount, PinOffice, Tariff, TaxRate
    from .pins import DEMO_CSV, pin_directory_load

    if not Tariff.objects.exists():
        tariff_seed(Tariff=Tariff, AddonPrice=AddonPrice, TaxRate=TaxRate, Discount=Discount)
    if not PinOffice.objects.exists():
        with open(DEMO_CSV, encoding="utf-8-sig", newline="") as stream:
            pin_directory_load(lines=stream)
