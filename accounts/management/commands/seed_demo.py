"""Load the demo district and one user per role. Safe to run any number of times."""

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.personas import DEMO_USERS, demo_places, demo_users


class Command(BaseCommand):
    help = "Create the Bhagalpur demo district, metro head offices and one user per role."

    def handle(self, *args, **options) -> None:
        places = demo_places()
        demo_users(places, password=settings.DEMO_PASSWORD)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(DEMO_USERS)} demo logins."))
