from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = _("SMS")

    def ready(self) -> None:
        from .services import SmsTemplateSpec, sms_template_register

        # notify's own template, for tests, demos and an operator's "does SMS work?".
        sms_template_register(
            SmsTemplateSpec(
                key="notify.test",
                dlt_template_id="1107000000000000001",
                text_en="Dakghar test message {n}",
                text_hi="डाकघर परीक्षण संदेश {n}",
            )
        )
        # accounts sits below notify and cannot import it: it declares its templates
        # and sends through the sender plugged in here (accounts.outgoing_sms).
        from accounts import outgoing_sms

        from .services import sms_queue

        for spec in outgoing_sms.TEMPLATES:
            sms_template_register(SmsTemplateSpec(**spec))
        outgoing_sms.sender_register(sms_queue)
        post_migrate.connect(_create_missing_templates, sender=self, dispatch_uid="notify.create_missing_templates")


def _create_missing_templates(sender, *, using, apps=None, **kwargs) -> None:
    """After migrate: a row for every template some app registered and the database lacks.

    Domain apps register in their own ready(), which has run for every app by now.
    """
    from .services import sms_templates_create_missing

    if apps is None:  # `flush` sends post_migrate without the migration state
        from django.apps import apps
    try:
        model = apps.get_model("notify", "SmsTemplate")
    except LookupError:  # notify migrated backwards to zero: no table to fill
        return
    sms_templates_create_missing(model=model, using=using)
