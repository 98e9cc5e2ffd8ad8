from __future__ import annotations

from django.apps import AppConfig


class WagtailReviewConfig(AppConfig):
    name = "wagtail_review"
    label = "wagtail_review"
    verbose_name = "发布前审校"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail_review.enforce import install

        install()
