"""Reset a user's two-factor sign-in from the server, for when no administrator can sign
in to the admin (the only administrator lost their phone)."""

from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = "Remove a user's authenticator and recovery codes; they set up a new one at their next sign-in."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user called {username!r}.") from None
        removed = services.user_two_factor_reset(user=user)
        self.stdout.write(f"{username}: {removed} device(s) removed; they enrol again at their next sign-in.")
