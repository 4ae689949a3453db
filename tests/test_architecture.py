"""The rules of docs/architecture.md, checked over the source's syntax trees (no import is run).

- imports flow one way between the apps (`ALLOWED_IMPORTS`); the simulators and the product never import
  each other (they meet over HTTP; the product names the simulators only in its URL wiring and settings);
- no module uses another app's `_private` names;
- no module outside migrations and tests is over `MAX_LINES` lines;
- the modules the URL configurations route to (screen modules) are `views.py` or live in a `views/`
  package.

Each check is a function of a folder, so that the tests at the end can prove it fails on a bad example.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Which app may import which: the map of docs/architecture.md. A lower app shows what a higher one owns
# through the extension points it offers (menu entries, dossier and document sections, actions), never by
# importing it.
ALLOWED_IMPORTS = {
    "primaweb": set(),
    "dossiers": {"primaweb"},
    "documents": {"dossiers", "primaweb"},
    "ebox": {"documents", "dossiers", "primaweb"},
    "centrebox": {"ebox", "documents", "dossiers", "primaweb"},
    "cpasonline": {"dossiers", "primaweb"},
    "mutations": {"ebox", "documents", "dossiers", "primaweb"},
    "deadlines": {"centrebox", "cpasonline", "ebox", "documents", "dossiers", "primaweb"},
    "letters": {"ebox", "documents", "dossiers", "primaweb"},
}
PRODUCT = set(ALLOWED_IMPORTS)
SIMULATORS = "simulators"
# Tools beside the product: they drive it and the simulators, through their public names.
TOOLS = {"bench", "scripts"}
CHECKED = PRODUCT | {SIMULATORS} | TOOLS
# The only module of the product that names the simulators' modules: it mounts their URLs while they are on.
URL_WIRING = {"primaweb/urls.py"}

MAX_LINES = 400


def area_of(path: Path, root: Path) -> str:
    return path.relative_to(root).parts[0]


def python_files(root: Path, *, areas=CHECKED):
    for area in sorted(areas):
        for path in sorted((root / area).rglob("*.py")):
            parts = path.relative_to(root).parts
            if "migrations" in parts or "tests" in parts:
                continue
            yield path


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _parsed(root: Path):
    """(area, path from the root, syntax tree) of every checked module."""
    for path in python_files(root):
        yield area_of(path, root), path.relative_to(root).as_posix(), _tree(path)


def _imported_modules(tree: ast.Module):
    """(line, module) for every absolute import; `from a.b import c` gives a.b and a.b.c."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _named_modules(tree: ast.Module):
    """(line, dotted name) for modules named in strings: include("x.urls"), import_module("x")."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) in {"include", "import_module"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def import_direction_problems(root: Path) -> list[str]:
    problems = []
    for source, relative, tree in _parsed(root):
        for line, module in _imported_modules(tree):
            target = module.split(".")[0]
            if target not in CHECKED or target == source:
                continue
            if source in TOOLS:
                continue
            if source == SIMULATORS or target == SIMULATORS:
                problems.append(f"{relative}:{line} imports {module}: simulators and product meet over HTTP")
            elif target in TOOLS:
                problems.append(f"{relative}:{line} imports {module}: the product never imports its tools")
            elif target not in ALLOWED_IMPORTS[source]:
                problems.append(f"{relative}:{line} imports {module}: {source} may not import {target}")
        for line, module in _named_modules(tree):
            target = module.split(".")[0]
            if source in PRODUCT and target == SIMULATORS and relative not in URL_WIRING:
                problems.append(f"{relative}:{line} names {module}: only the URL wiring mounts simulators")
            if source == SIMULATORS and target in PRODUCT:
                problems.append(f"{relative}:{line} names {module}: simulators and product meet over HTTP")
    return problems


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_module(root: Path, dotted: str) -> bool:
    path = root.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def private_name_problems(root: Path) -> list[str]:
    """Another app's `_private` names, imported (`from a.b import _c`) or reached (`b._c`, `a.b._c`)."""
    problems = []
    for source, relative, tree in _parsed(root):
        foreign = set()  # local names bound to another app's modules (an object's own privates are its own)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in CHECKED - {source}:
                        foreign.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module.split(".")[0] not in CHECKED - {source}:
                    continue
                for alias in node.names:
                    if any(_is_private(part) for part in node.module.split(".")) or _is_private(alias.name):
                        problems.append(f"{relative}:{node.lineno} imports {node.module}.{alias.name}")
                    if _is_module(root, f"{node.module}.{alias.name}"):
                        foreign.add(alias.asname or alias.name)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute):
                continue
            chain, base = [node.attr], node.value
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in foreign and _is_private(node.attr):
                dotted = ".".join([base.id, *reversed(chain)])
                problems.append(f"{relative}:{node.lineno} uses {dotted}")
    return problems


def module_size_problems(root: Path) -> list[str]:
    problems = []
    for path in python_files(root):
        relative = path.relative_to(root).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            problems.append(f"{relative} has {lines} lines (at most {MAX_LINES}): split it by responsibility")
    return problems


def _routed_modules(urls: Path, root: Path):
    """The project modules a URL configuration routes to: `path(..., module.view)` and `handlerNNN`."""
    tree = _tree(urls)
    package = ".".join(urls.relative_to(root).parent.parts)
    bound = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            base = node.module if node.level == 0 else ".".join(filter(None, [package, node.module]))
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"path", "re_path"}:
            if len(node.args) < 2:
                continue
            view = node.args[1]
            while isinstance(view, ast.Attribute | ast.Call):
                view = view.func if isinstance(view, ast.Call) else view.value
            if isinstance(view, ast.Name) and view.id in bound:
                yield node.lineno, bound[view.id]
        elif (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id.startswith("handler") for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            yield node.lineno, node.value.value.rsplit(".", 1)[0]


def screen_module_problems(root: Path) -> list[str]:
    problems = []
    for urls in python_files(root, areas=PRODUCT | {SIMULATORS}):
        if urls.name != "urls.py":
            continue
        relative = urls.relative_to(root)
        for line, module in _routed_modules(urls, root):
            parts = module.split(".")
            if parts[0] not in CHECKED:
                continue  # Django's own views
            as_file = root.joinpath(*parts).with_suffix(".py")
            if not as_file.exists():
                as_file = root.joinpath(*parts[:-1]).with_suffix(".py")  # `from .views import SomeView`
            if not as_file.exists():
                continue
            shown = as_file.relative_to(root).as_posix()
            if as_file.name != "views.py" and as_file.parent.name != "views":
                problems.append(
                    f"{relative.as_posix()}:{line} routes to {shown}: screens live in views.py or views/"
                )
    return problems


# The rules, on the project itself.


def test_imports_flow_the_way_the_map_says():
    assert import_direction_problems(ROOT) == []


def test_no_app_uses_another_apps_private_names():
    assert private_name_problems(ROOT) == []


def test_no_module_is_over_the_size_limit():
    assert module_size_problems(ROOT) == []


def test_screens_live_in_views_modules():
    assert screen_module_problems(ROOT) == []


# The checks, on a bad example: each one must see what it is there to see.


@pytest.fixture
def bad_project(tmp_path):
    def write(name: str, text: str) -> None:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    for area in CHECKED:
        (tmp_path / area).mkdir()
    write("primaweb/models.py", "from cpasonline.models import OnlineRequest\n")
    write("dossiers/views.py", "from simulators.bcss import search\n")
    write("simulators/bcss/search.py", "from dossiers.models import Person\n")
    write("dossiers/bcss.py", "def _call():\n    pass\n")
    write(
        "documents/services.py", "from dossiers.bcss import _send\nfrom dossiers import bcss\nbcss._call()\n"
    )
    write(
        "ebox/urls.py",
        "from django.urls import path\nfrom . import screens\n\nurlpatterns = [path('', screens.home)]\n",
    )
    write("ebox/screens.py", "def home(request):\n    pass\n")
    write("ebox/big.py", "x = 1\n" * (MAX_LINES + 1))
    write("ebox/migrations/0001_initial.py", "x = 1\n" * (MAX_LINES + 1))
    write(
        "cpasonline/urls.py",
        "from django.urls import include, path\n\n"
        "urlpatterns = [path('', include('simulators.ebox.urls'))]\n",
    )
    return tmp_path


def test_the_import_check_sees_a_wrong_way_import(bad_project):
    problems = import_direction_problems(bad_project)
    assert any(p.startswith("primaweb/models.py:1 imports cpasonline.models") for p in problems)
    assert any(p.startswith("dossiers/views.py:1 imports simulators.bcss") for p in problems)
    assert any(p.startswith("simulators/bcss/search.py:1 imports dossiers.models") for p in problems)
    assert any(p.startswith("cpasonline/urls.py:3 names simulators.ebox.urls") for p in problems)
    assert not any(p.startswith("documents/") for p in problems)  # documents -> dossiers is allowed


def test_the_private_name_check_sees_another_apps_private_names(bad_project):
    assert private_name_problems(bad_project) == [
        "documents/services.py:1 imports dossiers.bcss._send",
        "documents/services.py:3 uses bcss._call",
    ]


def test_the_size_check_sees_a_big_module_but_not_a_migration(bad_project):
    assert module_size_problems(bad_project) == [
        f"ebox/big.py has {MAX_LINES + 1} lines (at most {MAX_LINES}): split it by responsibility"
    ]


def test_the_screen_check_sees_a_screen_outside_views(bad_project):
    assert screen_module_problems(bad_project) == [
        "ebox/urls.py:4 routes to ebox/screens.py: screens live in views.py or views/"
    ]


def test_every_app_of_the_project_is_on_the_map_and_checked_for_dead_code():
    # A new app left off the map would escape the import, size and dead-code checks without a word.
    import tomllib

    from django.conf import settings

    own_apps = {
        name.split(".")[0]
        for name in settings.INSTALLED_APPS
        if (ROOT / name.split(".")[0]).is_dir() and name.split(".")[0] != SIMULATORS
    }
    assert own_apps == PRODUCT
    vulture_paths = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["vulture"]["paths"])
    assert PRODUCT | {SIMULATORS} <= vulture_paths
