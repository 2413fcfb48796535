"""Delivery's SMS templates (DLT-registered texts, Hindi and English), registered with
notify at start-up from DeliveryConfig.ready(). Placeholders are `{name}`; notify
shows them to the DLT platform as {#var#}.

The DLT template ids below are this installation's placeholders: an administrator
replaces them with the ids the operator assigns (the SMS template admin).
"""

from __future__ import annotations

from notify.services import SmsTemplateSpec, sms_template_register

OTP = "delivery.otp"
OUT_FOR_DELIVERY = "delivery.out_for_delivery"
DELIVERED_TO_SENDER = "delivery.delivered_to_sender"

TEMPLATES = [
    SmsTemplateSpec(
        key=OTP,
        dlt_template_id="1107175900000000101",
        text_en=(
            "India Post: your article {article} is out for delivery today with postman {postman}. "
            "Give OTP {otp} only when you receive it. Valid today only. Do not share it otherwise."
        ),
        text_hi=(
            "भारतीय डाक: आपकी डाक वस्तु {article} आज डाकिया {postman} के साथ वितरण के लिए निकली है। "
            "वस्तु मिलने पर ही OTP {otp} बताएँ। यह केवल आज मान्य है। इसे किसी और को न बताएँ।"
        ),
    ),
    SmsTemplateSpec(
        key=OUT_FOR_DELIVERY,
        dlt_template_id="1107175900000000102",
        text_en="India Post: your article {article} is out for delivery today with postman {postman}.",
        text_hi="भारतीय डाक: आपकी डाक वस्तु {article} आज डाकिया {postman} के साथ वितरण के लिए निकली है।",
    ),
    SmsTemplateSpec(
        key=DELIVERED_TO_SENDER,
        dlt_template_id="1107175900000000103",
        text_en="India Post: the article {article} you sent was delivered on {date}.",
        text_hi="भारतीय डाक: आपके द्वारा भेजी गई डाक वस्तु {article} {date} को वितरित हो गई।",
    ),
]


def register_sms_templates() -> None:
    for spec in TEMPLATES:
        sms_template_register(spec)
