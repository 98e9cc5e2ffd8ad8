"""No import cycles among our modules, counting imports inside functions: any cycle fails.

Issue 16 broke the last three (the check-run lifecycle through ``tasks/``, drafts ↔ notifications,
and the engine ↔ catalog ↔ family factories); layering keeps them broken: ``jobs`` and ``check_runs``
below ``drafts``, ``draft_facts`` below ``notifications``, ``checks.resources`` below the factories.
"""

from __future__ import annotations

from tests.import_graph import cycles, import_graph


def test_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_sees_imports_inside_functions_and_relative_ones() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    real = import_graph()
    assert "review_service.drafts" in real["review_service.draft_attachments"]  # imported in a function
    assert "checks.catalog" in real["checks.engine"] and "checks.resources" in real["checks.typo.factories"]
    assert not any(
        m.startswith("review_service") for name, deps in real.items() if name.startswith("checks") for m in deps
    )
    assert not any(  # drafts start checks through jobs; only the Celery wrappers know Celery's tasks
        m.startswith("review_service.tasks") for m in real["review_service.drafts"] | real["review_service.jobs"]
    )


def test_a_cycle_through_a_function_level_import_is_found(tmp_path, monkeypatch) -> None:
    """The guard fails on a cycle that only an import inside a function closes."""
    import tests.import_graph as module

    package = tmp_path / "checks"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "one.py").write_text("from checks import two\n")
    (package / "two.py").write_text("def later():\n    from checks.one import x\n")
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "PACKAGES", ("checks",))
    assert cycles(import_graph()) == [["checks.one", "checks.two"]]
