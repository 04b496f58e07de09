"""The source inliner on a small generated package: what is kept, renamed, replaced and refused."""

from __future__ import annotations

import ast
import textwrap
import types

import pytest

from lmms_emotion.upstream.vendor import Vendorer, VendorError

PKG = "toyvendorpkg"

MODULES = {
    "__init__.py": '''
        """Toy package."""
        LABEL = "toy"
        ''',
    "a.py": '''
        """Module a: a registry, a private helper and a public function."""
        from __future__ import annotations

        import re
        from typing import Mapping

        REGISTRY: dict[str, int] = {}


        def register(name: str, value: int) -> int:
            REGISTRY[name] = value
            return value


        def _helper(text: str) -> str:
            return re.sub(r"\\s+", " ", text).upper()


        def shout(text: str, table: Mapping | None = None) -> str:
            return _helper(text) + "!"


        register("one", 1)  # a side effect the inlined code must keep
        for _name, _value in (("three", 3), ("four", 4)):  # a registration loop (binds a name, still kept)
            register(_name, _value)
        ''',
    "b.py": '''
        """Module b: clashes with a, imports it three ways."""
        from __future__ import annotations

        from collections.abc import Mapping

        from toyvendorpkg import LABEL, a
        from toyvendorpkg.a import register


        def _helper(text: str) -> str:
            return text.lower()


        def apply(_helper, text: str) -> str:
            """A parameter named like a renamed global: it must keep its name."""
            return _helper(text=text) if False else _helper(text)


        def whisper(text: str, table: Mapping | None = None) -> str:
            """Uses its own _helper, a's shout under another name, and a module attribute."""
            from toyvendorpkg.a import shout as loud

            return "|".join([_helper(text), loud(text), str(a.REGISTRY["one"] + a.REGISTRY["two"]), LABEL,
                             apply(str.title, text)])


        def unused() -> None:
            raise RuntimeError("never inlined")


        register("two", 2)
        ''',
    "alt.py": '''
        def shout(text, table=None):
            return "ALT"
        ''',
    "bad.py": '''
        from toyvendorpkg import a


        def leaks_module():
            return a


        def star():
            return 1
        ''',
    "consts.py": '''
        CACHE = ""


        def cache_dir():
            return CACHE
        ''',
}


@pytest.fixture()
def toy(tmp_path, monkeypatch):
    package = tmp_path / PKG
    package.mkdir()
    for name, text in MODULES.items():
        (package / name).write_text(textwrap.dedent(text).lstrip())
    monkeypatch.syspath_prepend(str(tmp_path))
    yield package
    import sys

    for name in [m for m in sys.modules if m == PKG or m.startswith(PKG + ".")]:
        del sys.modules[name]


def _run(text: str) -> types.ModuleType:
    module = types.ModuleType("generated")
    exec(compile(text, "generated.py", "exec"), module.__dict__)
    return module


def test_inlined_code_behaves_like_the_package(toy):
    from toyvendorpkg.b import whisper

    source = Vendorer(package=PKG).vendor({"whisper": (f"{PKG}.b", "whisper")})
    generated = _run(source.text)
    assert generated.whisper("Hello  World") == whisper("Hello  World") == "hello  world|HELLO WORLD!|3|toy|Hello  World"
    assert source.renamed == {f"{PKG}.b._helper": "_b_helper"}
    tree = ast.parse(source.text)
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                and PKG in ast.unparse(n)]
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert defined == {"register", "_helper", "shout", "_b_helper", "apply", "whisper"}  # not `unused`
    assert "def apply(_helper, text: str)" in source.text
    assert 'register("one", 1)' in source.text and 'register("two", 2)' in source.text
    assert generated.REGISTRY == {"one": 1, "three": 3, "four": 4, "two": 2}
    assert "# a side effect the inlined code must keep" in source.text  # comments survive
    # typing.Mapping and collections.abc.Mapping are one binding: one import line
    assert source.text.count("import Mapping") == 1


def test_override_replaces_a_definition_everywhere(toy):
    vendorer = Vendorer(package=PKG, overrides={(f"{PKG}.a", "shout"): (f"{PKG}.alt", "shout")})
    generated = _run(vendorer.vendor({"whisper": (f"{PKG}.b", "whisper")}).text)
    assert generated.whisper("Hi").split("|")[1] == "ALT"


def test_hook_bound_under_another_name(toy):
    source = Vendorer(package=PKG).vendor({"process": (f"{PKG}.a", "shout")})
    assert "process = shout" in source.text and _run(source.text).process("x") == "X!"


def test_constants_are_filled_in(toy):
    source = Vendorer(package=PKG, constants={(f"{PKG}.consts", "CACHE"): "my-repo"}).vendor(
        {"cache_dir": (f"{PKG}.consts", "cache_dir")})
    assert 'CACHE = "my-repo"' in source.text and _run(source.text).cache_dir() == "my-repo"


def test_a_module_object_that_escapes_is_refused_with_its_line(toy):
    with pytest.raises(VendorError, match=r"bad\.py:5: module toyvendorpkg\.a is used as an object"):
        Vendorer(package=PKG).vendor({"leaks_module": (f"{PKG}.bad", "leaks_module")})


def test_unknown_names_are_refused(toy):
    with pytest.raises(VendorError, match="defines no top-level name 'nothing'"):
        Vendorer(package=PKG).vendor({"x": (f"{PKG}.a", "nothing")})


def test_star_import_is_refused(toy, tmp_path):
    (toy / "star.py").write_text(f"from {PKG}.a import *\n\n\ndef f():\n    return shout('x')\n")
    with pytest.raises(VendorError, match=r"star\.py:1: star import"):
        Vendorer(package=PKG).vendor({"f": (f"{PKG}.star", "f")})


def test_reading_files_next_to_the_module_is_refused(toy):
    (toy / "data.py").write_text(
        "import os\n\n\ndef table():\n    return open(os.path.join(os.path.dirname(__file__), 'x.json'))\n")
    with pytest.raises(VendorError, match=r"data\.py:5: reads files next to its module"):
        Vendorer(package=PKG).vendor({"table": (f"{PKG}.data", "table")})
