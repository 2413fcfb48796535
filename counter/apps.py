from django.apps import AppConfig


class CounterConfig(AppConfig):
    name = "counter"

    def ready(self) -> None:
        from . import refdata  # noqa: F401  (connects the cache-clearing signals)
