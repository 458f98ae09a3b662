"""Send messages through RapidPro's broadcast API (SMS or WhatsApp, as its channels say)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings

from corridor.notify.backends.base import DeliveryFailed, Outgoing

TIMEOUT_SECONDS = 15


class RapidProBackend:
    def send(self, outgoing: Outgoing) -> None:
        base = str(settings.CORRIDOR_RAPIDPRO_URL).rstrip("/")
        token = str(settings.CORRIDOR_RAPIDPRO_TOKEN)
        if not base or not token:
            raise DeliveryFailed("CORRIDOR_RAPIDPRO_URL and CORRIDOR_RAPIDPRO_TOKEN must be set")
        body = json.dumps({"urns": [f"tel:{outgoing.to}"], "text": outgoing.text}).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
            f"{base}/api/v2/broadcasts.json",
            data=body,
            method="POST",
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            raise DeliveryFailed(f"RapidPro answered {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryFailed(f"RapidPro unreachable: {exc}") from exc
        if status not in (200, 201):
            raise DeliveryFailed(f"RapidPro answered {status}")
