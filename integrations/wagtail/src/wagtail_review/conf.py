"""The plugin's settings: one dict, ``WAGTAIL_REVIEW``, in the Django settings.

WAGTAIL_REVIEW = {
    "URL": "https://review.example.gov.cn",
    "TOKEN": os.environ["REVIEW_CMS_TOKEN"],   # service account: scopes check, drafts, publish
    "CHANNEL": "website",                      # channel of every site not listed below
    "SITE_CHANNELS": {"m.example.gov.cn": "new_media"},
    "FAIL_OPEN": False,                        # True/False only; True: publish when unreachable (logged)
    "TIMEOUT": 5.0,                            # seconds, > 0
    "RETRIES": 2,                              # integer >= 0
    "AUTHOR": None,                            # Wagtail user -> review service username (see below)
}

``AUTHOR`` says who a page sent for review is by, in the review service (``on_behalf_of``): the person
bound by separation of duties there. Default (None): the Wagtail username, unchanged. Otherwise a
callable, or the dotted path of one, taking the Wagtail user who clicked 送审 (a username string when
code calls ``send_for_review`` with one) and returning the review service username.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

CHANNELS = ("website", "new_media", "internal")


@dataclass(frozen=True)
class ReviewSettings:
    url: str
    token: str
    channel: str = "website"
    site_channels: dict[str, str] = field(default_factory=dict)
    fail_open: bool = False
    timeout: float = 5.0
    retries: int = 2
    author: Callable[[Any], str] | None = None


def _author_rule(value: object) -> Callable[[Any], str] | None:
    if value is None or callable(value):
        return value  # type: ignore[return-value]
    if isinstance(value, str):
        try:
            rule = import_string(value)
        except ImportError as exc:
            raise ImproperlyConfigured(f"WAGTAIL_REVIEW: AUTHOR {value!r} cannot be imported: {exc}") from exc
        if callable(rule):
            return rule
    raise ImproperlyConfigured(f"WAGTAIL_REVIEW: AUTHOR must be a callable or its dotted path, not {value!r}")


def review_settings() -> ReviewSettings:
    """Read on every use (cheap), so tests and ``override_settings`` take effect at once."""
    raw = getattr(settings, "WAGTAIL_REVIEW", None)
    if not isinstance(raw, dict) or not raw.get("URL") or not raw.get("TOKEN"):
        raise ImproperlyConfigured("WAGTAIL_REVIEW needs at least URL and TOKEN")
    fail_open = raw.get("FAIL_OPEN", False)
    if not isinstance(fail_open, bool):  # bool("false") is True: a string here would open the gate
        raise ImproperlyConfigured(f"WAGTAIL_REVIEW: FAIL_OPEN must be True or False, not {fail_open!r}")
    timeout, retries = raw.get("TIMEOUT", 5.0), raw.get("RETRIES", 2)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout < float("inf"):
        raise ImproperlyConfigured(f"WAGTAIL_REVIEW: TIMEOUT must be a number of seconds > 0, not {timeout!r}")
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ImproperlyConfigured(f"WAGTAIL_REVIEW: RETRIES must be an integer >= 0, not {retries!r}")
    config = ReviewSettings(
        url=str(raw["URL"]),
        token=str(raw["TOKEN"]),
        channel=raw.get("CHANNEL", "website"),
        site_channels=dict(raw.get("SITE_CHANNELS", {})),
        fail_open=fail_open,
        timeout=float(timeout),
        retries=retries,
        author=_author_rule(raw.get("AUTHOR")),
    )
    for channel in (config.channel, *config.site_channels.values()):
        if channel not in CHANNELS:
            raise ImproperlyConfigured(f"WAGTAIL_REVIEW: unknown channel {channel!r}; choose from {CHANNELS}")
    return config
