from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token, refused once it is older than API_TOKEN_TTL (12 hours, like a session)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if timezone.now() - token.created > settings.API_TOKEN_TTL:
            raise AuthenticationFailed(_("The token has expired. Sign in again."))
        return user, token
