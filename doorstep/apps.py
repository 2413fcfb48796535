from django.apps import AppConfig


class DoorstepConfig(AppConfig):
    name = "doorstep"
