"""What of a page is reviewed: its title, summary and rich text, as Wagtail renders them.

Rich text is sent expanded the way Wagtail renders it on the site (``expand_db_html``): page links
become their URLs and images their ``<img>``, so reviewers read the page as readers will, and no
storage reference (``<a linktype="page" id="3">``, ``<embed embedtype="image" …>``) reaches them.
Draftail's ``data-block-key`` bookkeeping stays; the service's canonical hash ignores it. A page
class may say which fields are its summary and body, or define ``review_content()`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.rich_text import expand_db_html


@dataclass(frozen=True)
class PageContent:
    title: str
    body: str
    summary: str | None
    format: str = "html"


def page_content(page: Page) -> PageContent:
    custom = getattr(page, "review_content", None)
    if callable(custom):
        return custom()
    summary_field = getattr(page, "review_summary_field", "summary")
    summary = getattr(page, summary_field, None) if summary_field else None
    if summary is None:
        summary = page.search_description
    names = getattr(page, "review_body_fields", None) or [
        f.name for f in page._meta.get_fields() if isinstance(f, RichTextField)
    ]
    body = "\n".join(expand_db_html(str(getattr(page, name) or "")) for name in names)
    return PageContent(title=page.title, body=body, summary=str(summary) if summary else None)


def page_channel(page: Page, *, default: str, site_channels: dict[str, str]) -> str:
    """The channel of the site the page belongs to (by hostname), else the default."""
    site = page.get_site()
    return site_channels.get(site.hostname, default) if site is not None else default
