"""How accounts sends an SMS without importing notify (which sits above it).

accounts declares its templates here and calls `sms_send`; notify, in its ready(),
registers the templates and plugs in its sms_queue as the sender. The message is then
an Outbox row written in the caller's transaction, like every other SMS.
"""

from __future__ import annotations

from collections.abc import Callable

# key, dlt_template_id, text_en, text_hi (placeholders as in notify: {name}).
TEMPLATES: list[dict[str, str]] = [
    {
        "key": "accounts.citizen_signin",
        "dlt_template_id": "1107175900000000401",
        "text_en": "{otp} is your code to sign in to Dakghar. Valid {minutes} minutes. Do not share it with anyone. "
        "- India Post",
        "text_hi": "डाकघर में साइन इन के लिए आपका कोड {otp} है। {minutes} मिनट तक मान्य। इसे किसी को न बताएं। - भारतीय डाक",
    },
]

_sender: list[Callable[..., object]] = []


def sender_register(send: Callable[..., object]) -> None:
    """notify plugs in sms_queue(*, to, template_key, context, lang, secret)."""
    _sender[:] = [send]


def sms_send(*, to: str, template_key: str, context: dict[str, str], lang: str, secret: bool) -> None:
    """Queue an SMS in the caller's transaction (MUST be inside transaction.atomic())."""
    if not _sender:
        raise RuntimeError("No SMS sender: notify is not installed or not ready.")
    _sender[0](to=to, template_key=template_key, context=context, lang=lang, secret=secret)
