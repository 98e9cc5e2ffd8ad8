"""Log a TestClient in through the real login form and read CSRF tokens from the pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGIN_CSRF = re.compile(r'name="login_csrf" value="([^"]+)"')


def login(client: TestClient, username: str, password: str | None = None) -> str:
    """Log in and return the session's CSRF token."""
    page = client.get("/login")
    token = LOGIN_CSRF.search(page.text)
    assert token, page.text[:200]
    response = client.post(
        "/login",
        data={"username": username, "password": password or f"pw-{username}", "login_csrf": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    return csrf_of(client.get("/drafts").text)


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, html[:300]
    return match.group(1)


def login_attempt(client: TestClient, username: str, password: str) -> tuple[int, str]:
    page = client.get("/login")
    token = LOGIN_CSRF.search(page.text)
    assert token
    response = client.post(
        "/login",
        data={"username": username, "password": password, "login_csrf": token.group(1)},
        follow_redirects=False,
    )
    return response.status_code, response.text
