"""GET /api/v1/ready: the database and the broker, each reported; /health stays the process's liveness."""

from __future__ import annotations

from fastapi.testclient import TestClient

from review_service.api.main import create_app
from tests.api_helpers import make_settings
from tests.redis_celery import RedisServer, _free_port


def client_for(settings):  # type: ignore[no-untyped-def]
    return TestClient(create_app(settings.model_copy(update={"sweep_interval_seconds": 0})))


def test_ready_without_a_broker_reports_it_not_configured(tmp_path):
    with client_for(make_settings(tmp_path)) as client:
        r = client.get("/api/v1/ready")
    assert r.status_code == 200
    assert r.json() == {"status": "ready", "database": "ok", "broker": "not_configured"}


def test_a_broker_that_does_not_answer_means_not_ready_but_alive(tmp_path):
    settings = make_settings(tmp_path, broker_url=f"redis://127.0.0.1:{_free_port()}/0")
    with client_for(settings) as client:
        r = client.get("/api/v1/ready")
        assert client.get("/api/v1/health").status_code == 200
    assert r.status_code == 503
    body = r.json()
    assert body["code"] == "not_ready" and body["details"] == {"database": "ok", "broker": "unavailable"}
    assert "消息队列" in body["message"]["zh"] and "broker" in body["message"]["en"]


def test_a_database_that_does_not_answer_means_not_ready(tmp_path):
    settings = make_settings(tmp_path)
    with client_for(settings) as client:
        client.app.state.settings = settings.model_copy(
            update={"database_url": f"postgresql+psycopg://review@127.0.0.1:{_free_port()}/review"}
        )
        r = client.get("/api/v1/ready")
    assert r.status_code == 503
    assert r.json()["details"] == {"database": "unavailable", "broker": "not_configured"}
    assert "数据库" in r.json()["message"]["zh"]


def test_ready_with_a_real_redis(tmp_path):
    redis = RedisServer()
    redis.start()
    try:
        with client_for(make_settings(tmp_path, broker_url=redis.url)) as client:
            r = client.get("/api/v1/ready")
            assert r.json() == {"status": "ready", "database": "ok", "broker": "ok"}
            redis.stop()
            r = client.get("/api/v1/ready")
            assert r.status_code == 503 and r.json()["details"]["broker"] == "unavailable"
    finally:
        redis.close()
