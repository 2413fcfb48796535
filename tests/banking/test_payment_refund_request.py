"""Refunds are maker-checker (issue 8, item 2): banking's refund endpoint asks, a
postmaster who did not ask approves, and only then does money move."""

from __future__ import annotations

import pytest

from banking import services
from banking.models import Payment

from .helpers import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment(clerk, office, till_id) -> Payment:
    """A cash payment with no owner (nothing of another app's pays through it)."""
    return services.payment_take(
        office_id=office.pk,
        method="cash",
        lines=[("fee_income", 50_00)],
        gst_paise=9_00,
        reference="MISC-1",
        till_id=till_id,
        actor=clerk,
    )


def test_a_refund_over_the_api_waits_for_a_different_postmaster(login, clerk, postmaster, payment, till_id):
    drawer = services.till_balance(till_id=till_id)
    asked = post(login(clerk), f"/api/v1/banking/payments/{payment.pk}/refund/", {"reason": "charged by mistake"})
    assert asked.status_code == 202, asked.content
    request = asked.json()
    assert request["status"] == "pending" and request["payment_id"] == payment.pk
    assert services.till_balance(till_id=till_id) == drawer  # nothing moved on asking
    assert Payment.objects.get(pk=payment.pk).status == "completed"

    again = post(login(clerk), f"/api/v1/banking/payments/{payment.pk}/refund/", {"reason": "again"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_reversible"
    self_approval = post(login(clerk), f"/api/v1/banking/reversals/{request['id']}/approve/", {})
    assert self_approval.status_code == 403
    assert services.till_balance(till_id=till_id) == drawer

    pm = login(postmaster)
    assert [r["payment_id"] for r in pm.get("/api/v1/banking/reversals/").json()["results"]] == [payment.pk]
    approved = post(pm, f"/api/v1/banking/reversals/{request['id']}/approve/", {})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    refunded = Payment.objects.get(pk=payment.pk)
    assert refunded.status == "refunded" and refunded.refund_entry_id == approved.json()["reversal_entry_id"]
    assert services.till_balance(till_id=till_id) == drawer - 59_00
    assert services.ledger_check_run().ok

    later = post(login(clerk), f"/api/v1/banking/payments/{payment.pk}/refund/", {"reason": "once more"})
    assert later.status_code == 409 and later.json()["error"]["code"] == "payment_invalid_transition"


def test_a_postmaster_asking_needs_another_checker(login, postmaster, payment, till_id):
    drawer = services.till_balance(till_id=till_id)
    asked = post(login(postmaster), f"/api/v1/banking/payments/{payment.pk}/refund/", {"reason": "mistake"})
    assert asked.status_code == 202
    refused = post(login(postmaster), f"/api/v1/banking/reversals/{asked.json()['id']}/approve/", {})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "maker_checker"
    assert services.till_balance(till_id=till_id) == drawer


def test_a_rejected_refund_moves_nothing(clerk, postmaster, payment, till_id):
    drawer = services.till_balance(till_id=till_id)
    request = services.payment_refund_request(payment_id=payment.pk, reason="mistake", actor=clerk)
    services.reversal_reject(request_id=request.pk, actor=postmaster, note="it was due")
    assert Payment.objects.get(pk=payment.pk).status == "completed"
    assert services.till_balance(till_id=till_id) == drawer
