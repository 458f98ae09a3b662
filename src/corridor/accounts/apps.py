from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "corridor.accounts"
    verbose_name = _("Accounts and parties")

    def ready(self) -> None:
        from corridor.accounts import signals  # noqa: F401  (connects the audit receivers)
