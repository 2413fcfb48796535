"""Admin: templates editable with their DLT form; the outbox read-only, secrets masked."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from notify.models import Outbox, SmsTemplate
from notify.services import sms_queue, sms_relay_once

pytestmark = pytest.mark.django_db

OTP = "482913"


def _queue(n: str, *, to: str = "9812345610", secret: bool = False) -> Outbox:
    with transaction.atomic():
        return sms_queue(to=to, template_key="notify.test", context={"n": n}, lang="en", secret=secret)


@pytest.fixture
def admin_client(login, administrator):
    return login(administrator)


@pytest.fixture
def three_states(settings, tmp_path):
    """One sent, one pending, one failed message, to three numbers."""
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    sent = _queue("1", to="9811111111")
    sms_relay_once()
    pending = _queue("2", to="9822222222")
    SmsTemplate.objects.filter(key="notify.test").update(active=False)
    failed = _queue("3", to="9833333333")
    SmsTemplate.objects.filter(key="notify.test").update(active=True)
    return sent, pending, failed


def _listed_numbers(response) -> set[str]:
    return {number for number in ("9811111111", "9822222222", "9833333333") if number in response.text}


@pytest.mark.parametrize(
    ("status", "expected"), [("pending", {"9822222222"}), ("sent", {"9811111111"}), ("failed", {"9833333333"})]
)
def test_outbox_list_filters_by_status(admin_client, three_states, status, expected):
    response = admin_client.get(reverse("admin:notify_outbox_changelist"), {"status": status})
    assert response.status_code == 200
    assert _listed_numbers(response) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("9822222222", {"9822222222"}), ("98333", {"9833333333"}), ("98", {"9811111111", "9822222222", "9833333333"})],
)
def test_outbox_search_by_number_or_its_first_digits(admin_client, three_states, query, expected):
    response = admin_client.get(reverse("admin:notify_outbox_changelist"), {"q": query})
    assert _listed_numbers(response) == expected


def test_outbox_is_read_only(admin_client, three_states):
    _sent, pending, _failed = three_states
    assert admin_client.get(reverse("admin:notify_outbox_add")).status_code == 403
    response = admin_client.post(reverse("admin:notify_outbox_change", args=[pending.pk]), {"to": "9999999999"})
    assert response.status_code == 403
    assert admin_client.post(reverse("admin:notify_outbox_delete", args=[pending.pk])).status_code == 403
    pending.refresh_from_db()
    assert pending.to == "9822222222"


def test_a_pending_secret_is_masked_in_the_admin(admin_client):
    row = _queue(OTP, secret=True)
    assert OTP in Outbox.objects.get(pk=row.pk).text  # still in the table: the relay needs it

    response = admin_client.get(reverse("admin:notify_outbox_change", args=[row.pk]))

    assert response.status_code == 200
    assert OTP not in response.text
    assert "Dakghar test message {#var#}" in response.text


def test_template_page_shows_the_dlt_form(admin_client):
    template = SmsTemplate.objects.get(key="notify.test")
    response = admin_client.get(reverse("admin:notify_smstemplate_change", args=[template.pk]))
    assert "Dakghar test message {#var#}" in response.text
    assert "डाकघर परीक्षण संदेश {#var#}" in response.text


def _edit(admin_client, template: SmsTemplate, **changes):
    data = {
        "dlt_template_id": template.dlt_template_id,
        "sender": template.sender,
        "active": "on",
        "text_en": template.text_en,
        "text_hi": template.text_hi,
    } | changes
    return admin_client.post(reverse("admin:notify_smstemplate_change", args=[template.pk]), data)


def test_administrator_edits_a_template_text(admin_client):
    template = SmsTemplate.objects.get(key="notify.test")

    response = _edit(admin_client, template, text_en="Dakghar says hello {n}", sender="DKGHAR")

    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.text_en, template.sender) == ("Dakghar says hello {n}", "DKGHAR")


@pytest.mark.parametrize(
    "changes",
    [
        {"text_en": "Dakghar test message"},  # drops the placeholder the code fills
        {"text_en": "Dakghar {n} {otp}", "text_hi": "डाकघर {n} {otp}"},  # adds one the code never fills
        {"text_hi": "डाकघर परीक्षण संदेश {m}"},  # Hindi and English disagree
        {"dlt_template_id": "11O7"},
        {"sender": "dk"},
    ],
)
def test_template_edit_that_would_break_sending_is_refused(admin_client, changes):
    template = SmsTemplate.objects.get(key="notify.test")

    response = _edit(admin_client, template, **changes)

    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors
    template.refresh_from_db()
    assert template.text_en == "Dakghar test message {n}"


def test_templates_come_from_code_not_from_the_admin(admin_client):
    assert admin_client.get(reverse("admin:notify_smstemplate_add")).status_code == 403


def test_outbox_admin_speaks_hindi(admin_client, three_states, settings):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"

    # override: the request activates Hindi in this thread; give the next test English back.
    with translation.override(settings.LANGUAGE_CODE):
        response = admin_client.get(reverse("admin:notify_outbox_changelist"))

    assert response.status_code == 200
    for label in ("भेजे जाने वाले एसएमएस", "लंबित", "भेजा गया", "विफल", "मोबाइल नंबर", "प्रयास"):
        assert label in response.text
