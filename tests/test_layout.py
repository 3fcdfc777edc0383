"""The installed shape: one top-level package, and the CLI and app reach the internals only through the facade."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_one_top_level_package_is_installed():
    dist = metadata.distribution("panelqa")
    assert (dist.read_text("top_level.txt") or "").split() == ["panelqa"]
    assert [ep.value for ep in dist.entry_points if ep.group == "console_scripts"] == ["panelqa.cli:main"]


def test_facade_names_resolve():
    import panelqa

    for name in panelqa.__all__:
        assert getattr(panelqa, name) is not None, name


# What the CLI and the app may import: the facade (`panelqa`, whose functions live in `panelqa.api`),
# settings, errors, record modules, the one-home text rules, and their own subpackage.
_SHARED = ("panelqa", "panelqa.api", "panelqa.settings", "panelqa.errors", "panelqa.vocab")
_OWN = {"cli": ("panelqa.cli",), "app": ("panelqa.app", "panelqa.cli.ingest_format", "panelqa.cli.report_format")}
# the app's upload report is the same text as `panelqa ingest` prints, and its CSV downloads the same file as
# `panelqa funding --csv`, so it uses the CLI's formatters rather than copies


def _allowed(module: str, own: tuple[str, ...]) -> bool:
    if module in _SHARED or module.endswith(".records") or module == "panelqa.text":
        return True
    return any(module == o or module.startswith(o + ".") for o in own + ("panelqa.text",))


def _imports(path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, module, names) of every import in a file, top level or inside a function."""
    import ast

    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, ()) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module, tuple(a.name for a in node.names)))
    return out


def test_cli_and_app_use_only_the_facade_and_records():
    import panelqa

    facade = set(panelqa.__all__) | {"api"}
    bad = []
    for part, own in _OWN.items():
        for path in sorted((ROOT / "panelqa" / part).rglob("*.py")):
            for line, module, names in _imports(path):
                where = f"{path.relative_to(ROOT)}:{line}"
                if module.split(".")[0] != "panelqa":
                    continue
                if not _allowed(module, own):
                    bad.append(f"{where} imports {module}")
                elif module == "panelqa":
                    bad += [f"{where} imports {n} from panelqa, not a facade name" for n in names if n not in facade]
    assert not bad, "the CLI and the app reach the internals only through the facade:\n" + "\n".join(bad)


def test_the_app_entry_point_uses_only_the_facade():
    for line, module, _ in _imports(ROOT / "app.py"):
        assert module.split(".")[0] != "panelqa" or _allowed(module, _OWN["app"]), f"app.py:{line} imports {module}"


def test_sql_is_written_only_in_the_storage_layer():
    """Every query of the index is a Store method; search.stem's in-memory table is the FTS5 stemmer, not the index."""
    import ast

    allowed = {ROOT / "panelqa" / "ingest" / "store.py", ROOT / "panelqa" / "search" / "stem.py"}
    bad = []
    for path in sorted((ROOT / "panelqa").rglob("*.py")):
        if path in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Attribute) and node.attr in ("execute", "executemany", "executescript", "conn"):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert not bad, "SQL belongs in panelqa/ingest/store.py:\n" + "\n".join(bad)


def test_only_extract_opens_pdfs():
    bad = []
    for path in sorted((ROOT / "panelqa").rglob("*.py")):
        if path.is_relative_to(ROOT / "panelqa" / "ingest" / "extract.py") or "extract" in path.parts:
            continue
        bad += [f"{path.relative_to(ROOT)}:{line} imports {m}" for line, m, _ in _imports(path)
                if m.split(".")[0] in ("pdfplumber", "pypdfium2")]
    assert not bad, "only panelqa/ingest/extract opens PDFs:\n" + "\n".join(bad)


# Imports go one way: cli/app -> facade -> search/reports/fetch -> ingest -> text and vocab.
_NEVER = {
    "text": ("panelqa.ingest", "panelqa.search", "panelqa.reports", "panelqa.fetch", "panelqa.cli", "panelqa.app",
             "panelqa.api"),
    "ingest": ("panelqa.search", "panelqa.reports", "panelqa.cli", "panelqa.app", "panelqa.api"),
}


def test_imports_go_one_way():
    bad = []
    for part, forbidden in _NEVER.items():
        for path in sorted((ROOT / "panelqa" / part).rglob("*.py")):
            bad += [f"{path.relative_to(ROOT)}:{line} imports {m}" for line, m, _ in _imports(path)
                    if any(m == f or m.startswith(f + ".") for f in forbidden)]
    assert not bad, "a lower layer imports a higher one:\n" + "\n".join(bad)


def test_each_domain_rule_has_one_home():
    """Month names, financial years, money and sentence ends are written as patterns only in panelqa/text."""
    copies = {"month names": "January|February", "financial years": "(20\\d\\d|19\\d\\d)",
              "money": "£\\s?\\d", "sentence ends": "(?<=[.?]"}
    homes = {name: [p for p in sorted((ROOT / "panelqa").rglob("*.py")) if text in p.read_text()]
             for name, text in copies.items()}
    for name, paths in homes.items():
        assert paths and all(p.parent.name == "text" for p in paths), f"{name} written outside panelqa/text: {paths}"
