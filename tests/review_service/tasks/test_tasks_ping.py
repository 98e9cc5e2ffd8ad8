"""worker-ping finds this host's workers of this broker from their node files, and only those."""

from __future__ import annotations

import os
import subprocess
import sys

from review_service.tasks.ping import PREFIX, local_workers, node_name, register

BROKER = "redis://:secret@127.0.0.1:6390/0"


def test_a_worker_registers_its_node_name_without_writing_the_broker_url(tmp_path):
    name = node_name(["checks"])
    path = register(name, BROKER, tmp_path)
    assert path.name == f"{PREFIX}{os.getpid()}.node"
    assert "secret" not in path.read_text() and name in path.read_text()
    assert local_workers(BROKER, tmp_path) == [name]


def test_only_running_workers_of_the_same_broker_count_and_stale_files_go(tmp_path):
    mine = register(node_name(["checks"]), BROKER, tmp_path)
    other_broker = tmp_path / f"{PREFIX}1.node"  # pid 1 runs (init), but uses another broker
    other_broker.write_text(mine.read_text().replace(mine.read_text().split()[0], "0" * 16))
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)
    dead = tmp_path / f"{PREFIX}{dead_pid}.node"
    dead.write_text(mine.read_text())
    (tmp_path / f"{PREFIX}not-a-pid.node").write_text("x y")
    (tmp_path / f"{PREFIX}2147483646.node").write_text("garbage")
    assert local_workers(BROKER, tmp_path) == [node_name(["checks"])]
    assert not dead.exists()  # the process is gone: its file is removed on the way
    assert other_broker.exists()


def test_a_replacement_pool_process_has_time_to_build_the_engine():
    from review_service.tasks.celery_app import create_celery

    conf = create_celery(None).conf
    assert conf.worker_proc_alive_timeout >= 120  # Celery's 4 s default killed replacements in a loop
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is False  # chosen, so stated


def test_the_reconnect_notice_is_silenced_and_nothing_else():
    import warnings

    from celery.exceptions import CPendingDeprecationWarning
    from celery.worker.consumer.consumer import CANCEL_TASKS_BY_DEFAULT

    from review_service.tasks.celery_app import _quiet_reconnect_notice

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        _quiet_reconnect_notice()
        warnings.warn(CANCEL_TASKS_BY_DEFAULT, CPendingDeprecationWarning, stacklevel=1)
        warnings.warn("something else", CPendingDeprecationWarning, stacklevel=1)
    assert [str(w.message) for w in seen] == ["something else"]


def test_the_health_check_module_fails_clearly_without_a_worker():
    env = {**os.environ, "REVIEW_BROKER_URL": "redis://127.0.0.1:1/0"}
    out = subprocess.run(
        [sys.executable, "-m", "review_service.tasks.ping", "--timeout", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "no worker runs on this host" in out.stderr
