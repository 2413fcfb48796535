"""The SMS banking sends, registered with notify at start-up (BankingConfig.ready).

The DLT template ids are placeholders until the real ones are registered on the DLT
platform; administrators own the texts once the rows exist (notify's admin).
Placeholders: {otp} {amount} {account} {minutes} {posb} {cap}.
"""

from __future__ import annotations

from notify.services import SmsTemplateSpec, sms_template_register

TEMPLATES = [
    SmsTemplateSpec(
        key="banking.withdrawal_otp",
        dlt_template_id="1107175900000000301",
        text_en="{otp} is your OTP to withdraw {amount} from account {account}. Valid {minutes} minutes. "
        "Do not share it with anyone. - India Post",
        text_hi="खाता {account} से {amount} निकालने के लिए आपका OTP {otp} है। {minutes} मिनट तक मान्य। "
        "इसे किसी को न बताएं। - भारतीय डाक",
    ),
    SmsTemplateSpec(
        key="banking.transfer_otp",
        dlt_template_id="1107175900000000302",
        text_en="{otp} is your OTP to transfer {amount} from account {account}. Valid {minutes} minutes. "
        "Do not share it with anyone. - India Post",
        text_hi="खाता {account} से {amount} भेजने के लिए आपका OTP {otp} है। {minutes} मिनट तक मान्य। "
        "इसे किसी को न बताएं। - भारतीय डाक",
    ),
    SmsTemplateSpec(
        key="banking.payment_otp",
        dlt_template_id="1107175900000000303",
        text_en="{otp} is your OTP to pay {amount} from account {account} at the post office. "
        "Valid {minutes} minutes. Do not share it with anyone. - India Post",
        text_hi="डाकघर में खाता {account} से {amount} के भुगतान के लिए आपका OTP {otp} है। "
        "{minutes} मिनट तक मान्य। इसे किसी को न बताएं। - भारतीय डाक",
    ),
    SmsTemplateSpec(
        key="banking.posb_swept",
        dlt_template_id="1107175900000000304",
        text_en="{amount} was moved from account {account} to your Post Office Savings Bank account {posb} "
        "to keep your balance within the {cap} limit. - India Post",
        text_hi="आपकी जमा राशि {cap} की सीमा में रखने के लिए खाता {account} से {amount} आपके डाकघर बचत बैंक "
        "खाते {posb} में भेजे गए। - भारतीय डाक",
    ),
    SmsTemplateSpec(
        key="banking.over_cap",
        dlt_template_id="1107175900000000305",
        text_en="Your payments bank balance {amount} is above the {cap} limit. Link a Post Office Savings Bank "
        "account at your post office; until then no deposit can be accepted. - India Post",
        text_hi="आपकी पेमेंट्स बैंक जमा {amount} है, जो {cap} की सीमा से अधिक है। अपने डाकघर में डाकघर बचत "
        "बैंक खाता जोड़ें; तब तक कोई जमा स्वीकार नहीं होगी। - भारतीय डाक",
    ),
    # Customer self-service sign-in (banking.services.selfservice_signin_otp_send).
    SmsTemplateSpec(
        key="banking.signin_otp",
        dlt_template_id="1107175900000000306",
        text_en="{otp} is your OTP to sign in to savings self-service for account {account}. Valid {minutes} "
        "minutes. Do not share it with anyone. - India Post",
        text_hi="खाता {account} की स्व-सेवा में साइन इन के लिए आपका OTP {otp} है। {minutes} मिनट तक मान्य। "
        "इसे किसी को न बताएं। - भारतीय डाक",
    ),
    # The last five transactions (banking.services.mini_statement_send). One DLT variable
    # holds at most 30 characters, so each transaction is a variable of its own: "05-10 Dr ₹500.00".
    SmsTemplateSpec(
        key="banking.mini_statement",
        dlt_template_id="1107175900000000307",
        text_en="A/c {account} last transactions: {t1}; {t2}; {t3}; {t4}; {t5}. Balance {balance} on {at}. "
        "- India Post",
        text_hi="खाता {account} के अंतिम लेन-देन: {t1}; {t2}; {t3}; {t4}; {t5}। शेष {balance}, {at}। - भारतीय डाक",
    ),
]


def sms_templates_register() -> None:
    for spec in TEMPLATES:
        sms_template_register(spec)
