"""Load the demo district and one user per role. Safe to run any number of times."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import NoReverseMatch, reverse

from accounts.models import PoliceStation, PostOffice
from accounts.personas import DEMO_USERS, demo_citizen, demo_places, demo_users
from accounts.views import ROLE_HOME


class Command(BaseCommand):
    help = "Create the Bhagalpur demo district, metro head offices and one user per role, then list the logins."

    def handle(self, *args, **options) -> None:
        places = demo_places()
        users = demo_users(places, password=settings.DEMO_PASSWORD)
        citizen = demo_citizen()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {PostOffice.objects.count()} post offices, "
                f"{PoliceStation.objects.count()} police stations, {len(DEMO_USERS)} demo logins."
            )
        )
        self.stdout.write("")
        self.stdout.write(f"  Demo logins (password for all: {settings.DEMO_PASSWORD})")
        self.stdout.write(f"  {'username':<22} {'works at':<34} {'starts at':<22} two-factor")
        for username in DEMO_USERS:
            user = users[username]
            place = str(user.place) if user.place is not None else "-"
            try:
                home = reverse(ROLE_HOME[user.role])
            except NoReverseMatch:
                home = "-"
            two_factor = "authenticator app" if user.needs_two_factor else "-"
            self.stdout.write(f"  {username:<22} {place[:34]:<34} {home:<22} {two_factor}")
        self.stdout.write(
            f"  {'citizen':<22} {'mobile ' + citizen.mobile:<34} {reverse('citizen:signin'):<22} code by SMS"
        )
        self.stdout.write("")
        self.stdout.write(
            "  Roles marked 'authenticator app' scan a QR code with any TOTP app at first sign-in;\n"
            "  the administrator can reset a user's two-factor sign-in in the admin (Users > action)."
        )
