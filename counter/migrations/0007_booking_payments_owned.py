from django.db import migrations


def bookings_own_their_payments(apps, schema_editor):
    """Payments taken before banking recorded an owner: the counter's bookings are the
    only owner so far. Here, not in banking: only the counter knows its bookings."""
    Booking = apps.get_model("counter", "Booking")
    Payment = apps.get_model("banking", "Payment")
    paid = Booking.objects.exclude(payment=None).values("payment_id")
    Payment.objects.filter(pk__in=paid).update(owner="counter_booking")


class Migration(migrations.Migration):
    dependencies = [
        ("counter", "0006_booking_utr"),
        ("banking", "0004_payment_owner_and_refund_requests"),
    ]

    operations = [migrations.RunPython(bookings_own_their_payments, migrations.RunPython.noop)]
