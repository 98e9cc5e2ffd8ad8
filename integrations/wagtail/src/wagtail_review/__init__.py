"""Wagtail plugin of the 发布前审校 review service: no page goes live unless the publish gate allows it."""
