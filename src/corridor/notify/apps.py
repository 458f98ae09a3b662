from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "corridor.notify"
    verbose_name = _("Messages to people")

    def ready(self) -> None:
        from corridor.notify import receivers

        receivers.connect()
