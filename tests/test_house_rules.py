"""Rules of the code's shape that a reader relies on: SQL only in the store, no asserts at run time."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

PACKAGE = ROOT / "feedsvc"
# Outside the store, feedsvc may name SQLAlchemy's engine, connection and error types, never build SQL.
SQLALCHEMY_OUTSIDE_STORE = {"Engine", "Connection", "DBAPIError", "IntegrityError", "OperationalError"}
# The page parser (the article reader and the news-line block finder) is being rewritten; its asserts, which
# narrow types inside one pass, go with it.
ASSERTS_LEFT = {"feedsvc/ingest/article.py", "feedsvc/ingest/newsline.py"}


def _modules() -> list[tuple[str, ast.Module]]:
    return [(p.relative_to(ROOT).as_posix(), ast.parse(p.read_text(encoding="utf-8")))
            for p in sorted(PACKAGE.rglob("*.py"))]


def test_sql_is_built_only_in_the_store() -> None:
    found = []
    for name, tree in _modules():
        if name.startswith("feedsvc/store/"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                module = node.module if node.level == 0 else "." * node.level + node.module
                if module.startswith("sqlalchemy"):
                    found += [f"{name}: {a.name}" for a in node.names if a.name not in SQLALCHEMY_OUTSIDE_STORE]
                if module.endswith("schema") and "store" in module:
                    found.append(f"{name}: imports the store's tables")
    assert not found, "SQL built outside feedsvc/store/: " + "; ".join(found)


def test_no_assert_guards_a_run_time_condition() -> None:
    # `python -O` removes asserts: a condition that can happen must raise an error of errors.py.
    found = [f"{name}:{node.lineno}" for name, tree in _modules() if name not in ASSERTS_LEFT
             for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    assert not found, f"assert statements in feedsvc/: {found}"


ROUTE_PREFIXES = ("/feeds", "/topics/", "/articles/", "/headlines/", "/digests/", "/subscribe", "/preferences/",
                  "/unsubscribe/")
# The WSGI fast path matches the feed routes before Flask does; it is kept in step with urls.FEED and ARCHIVE.
ROUTES_ALSO_IN = {"feedsvc/urls.py", "feedsvc/web/fastpath.py"}


def test_addresses_are_built_by_the_url_module_only() -> None:
    found = []
    for name, tree in _modules():
        if name in ROUTES_ALSO_IN:
            continue
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)  # type: ignore[attr-defined]
                      if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                    and node.value.startswith(ROUTE_PREFIXES)):
                found.append(f"{name}:{node.lineno}: {node.value!r}")
    for path in sorted((ROOT / "templates").rglob("*.*")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {m}" for m in ('href="/', 'action="/', "}}/feeds/", "}}/digests/")
                  if m in text]
    assert not found, "addresses built outside feedsvc/urls.py: " + "; ".join(found)


def test_tests_share_helpers_through_conftest_only() -> None:
    found = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests.test_"):
                found.append(f"{path.name}: from {node.module}")
    assert not found, "a test module imports another one (move the helper to conftest.py): " + "; ".join(found)
