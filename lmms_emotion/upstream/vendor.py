"""Write a self-contained ``utils.py`` by inlining our own modules' source at export time.

Upstream lmms-eval task folders may import nothing outside lmms-eval, yet our parser,
prompts and scoring must live in one place (hand-copied functions drift). So the
exported ``utils.py`` is *generated* from the current source of the modules the task
hooks reach, never copied by hand:

1. **Roots.** Each hook a task YAML names (``!function utils.process_results``) is
   resolved through the task folder's own ``utils.py`` to the function that defines it
   (e.g. ``lmms_emotion.task_utils.process_results``). *Overrides* swap a definition
   for another one everywhere it is referenced (the hub version of ``doc_to_visual``).
2. **Tree shaking.** Every module is split into its top-level statements. A scope-aware
   walk of each statement finds the module-level names it uses, the names it imports
   from the package (at top level or inside functions), and attribute uses through
   module aliases (``prompts.wrap``). Starting from the roots, only the statements
   that are reachable are kept; module-level statements that are not plain definitions
   (a registration call or loop) are kept whenever their module is.
3. **Flattening.** The kept statements are emitted verbatim (comments and formatting
   preserved), modules in import order. Package imports are deleted (top-level ones,
   and those inside functions), ``alias.name`` becomes ``name``, and a name defined by
   two modules is renamed in the later one (``_answers_concept``) at every place that
   refers to it. Third-party and standard-library imports are hoisted into one header.
4. **Checks.** The result must parse, import nothing from the package and define every
   hook at top level.

Because the walk starts from whatever hooks the YAMLs name and follows whatever the
code references, a new task kind (a new scorer module, a new label set) is picked up
without touching this file. Code the walk cannot follow (``import lmms_emotion.x`` used
as ``lmms_emotion.x.f``, star imports, a bare module object passed around, data files
read next to a module through ``__file__``) stops the export with a
:class:`VendorError` that names the file and line.
"""

from __future__ import annotations

import ast
import bisect
import builtins
import importlib.util
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "lmms_emotion"
"""The package whose modules are inlined (imports of anything else stay imports)."""

Symbol = tuple[str, str]
"""A module-level name: (dotted module name, name)."""


class VendorError(ValueError):
    """The source cannot be inlined safely; the message names the file, line and fix."""


@dataclass(frozen=True)
class Target:
    """What a package import binds: a module object (``attr is None``) or one of its names."""

    module: str
    attr: str | None


@dataclass
class _Use:
    """One place in a statement's text that names a module-level symbol."""

    start: int
    end: int
    kind: str  # "name" | "base" (a name used as ``base.attr``) | "attr" | "def"
    name: str  # the identifier as written (for "attr": the attribute)
    resolution: tuple  # ("global", name) | ("target", Target) | ("bind", name) | ("base", ..., base name)
    store: bool = False  # a module-level binding position, not a reference


@dataclass
class _Unit:
    """One top-level statement of a module and what it binds and uses."""

    index: int
    node: ast.stmt
    kind: str  # code | side_effect | package_import | external_import | future | skip
    binds: set[str] = field(default_factory=set)
    uses: list[_Use] = field(default_factory=list)
    removals: list[tuple[ast.stmt, bool, bool]] = field(default_factory=list)
    """Package imports to delete: (statement, replace with ``pass``, also drop the blank line after it)."""


@dataclass
class _Module:
    name: str
    path: Path
    display: str
    source: bytes
    tree: ast.Module
    units: list[_Unit]
    binders: dict[str, list[int]]
    import_targets: dict[str, Target]
    external: dict[str, tuple]  # name -> import spec, for top-level third-party/stdlib imports
    line_starts: list[int]

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    def offset(self, lineno: int, col: int) -> int:
        return self.line_starts[lineno - 1] + col

    def where(self, node: ast.AST) -> str:
        return f"{self.display}:{getattr(node, 'lineno', '?')}"

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def after_line(self, lineno: int) -> int:
        """Offset just past line ``lineno`` (its newline included)."""
        return self.line_starts[lineno] if lineno < len(self.line_starts) else len(self.source)


# --- scope analysis -------------------------------------------------------------------------


class _Scope:
    def __init__(self, kind: str, parent: _Scope | None) -> None:
        self.kind = kind  # module | function | class | comprehension
        self.parent = parent
        self.bound: set[str] = set()
        self.global_decl: set[str] = set()
        self.package_aliases: dict[str, Target] = {}


def _in_package(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _is_module(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError):
        return False


def _absolute(module: str | None, level: int, current: str, is_package_init: bool) -> str:
    if level == 0:
        return module or ""
    parts = current.split(".")
    base = parts if is_package_init else parts[:-1]
    if level - 1 > len(base):
        raise VendorError(f"relative import beyond the top package in {current}")
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


class _Collector(ast.NodeVisitor):
    """Walks one top-level statement, recording bindings and name uses with their scopes."""

    def __init__(self, package: str, module_name: str, is_init: bool, display: str) -> None:
        self.package = package
        self.module_name = module_name
        self.is_init = is_init
        self.display = display
        self.module_scope = _Scope("module", None)
        self.scope = self.module_scope
        self.names: list[tuple[ast.Name, _Scope]] = []
        self.attrs: list[tuple[ast.Attribute, _Scope]] = []
        self.defs: list[tuple[ast.AST, _Scope]] = []
        self.package_imports: list[tuple[ast.stmt, _Scope]] = []
        self.module_package_targets: dict[str, Target] = {}
        self.module_external: dict[str, tuple] = {}

    # bindings
    def _bind(self, name: str, scope: _Scope | None = None) -> None:
        scope = scope or self.scope
        if name in scope.global_decl:
            self.module_scope.bound.add(name)
        else:
            scope.bound.add(name)

    def package_targets(self, node: ast.Import | ast.ImportFrom) -> dict[str, Target] | None:
        """Names a package import binds, or None for a third-party/stdlib import."""
        if isinstance(node, ast.ImportFrom):
            source = _absolute(node.module, node.level, self.module_name, self.is_init)
            if not _in_package(source, self.package):
                return None
            targets = {}
            for alias in node.names:
                if alias.name == "*":
                    raise VendorError(f"{self.display}:{node.lineno}: star import from {source} cannot be inlined; "
                                      "import the names explicitly")
                sub = f"{source}.{alias.name}"
                attr = None if _is_module(sub) else alias.name
                targets[alias.asname or alias.name] = Target(sub, None) if attr is None else Target(source, attr)
            return targets
        found = [a for a in node.names if _in_package(a.name, self.package)]
        if not found:
            return None
        if len(found) != len(node.names):
            raise VendorError(f"{self.display}:{node.lineno}: split this import: package and other modules in one line")
        targets = {}
        for alias in node.names:
            if alias.asname is None and alias.name != self.package:
                raise VendorError(f"{self.display}:{node.lineno}: `import {alias.name}` cannot be inlined; "
                                  f"write `from {alias.name.rsplit('.', 1)[0]} import {alias.name.rsplit('.', 1)[1]}`")
            targets[alias.asname or alias.name] = Target(alias.name, None)
        return targets

    def visit_Import(self, node: ast.Import) -> None:
        self._visit_import(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._visit_import(node)

    def _visit_import(self, node: ast.Import | ast.ImportFrom) -> None:
        targets = self.package_targets(node)
        if targets is None:
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                self._bind(name)
                if self.scope is self.module_scope:
                    self.module_external[name] = _import_spec(node, alias)
            return
        self.package_imports.append((node, self.scope))
        for name, target in targets.items():
            self._bind(name)
            if self.scope is self.module_scope:
                self.module_package_targets[name] = target
            else:
                self.scope.package_aliases[name] = target

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.global_decl.update(node.names)

    def visit_Name(self, node: ast.Name) -> None:
        self.names.append((node, self.scope))
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._bind(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name):
            self.attrs.append((node, self.scope))
        self.generic_visit(node)

    def _visit_arguments(self, args: ast.arguments) -> list[str]:
        for default in [*args.defaults, *[d for d in args.kw_defaults if d is not None]]:
            self.visit(default)
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        for arg in every:
            if arg.annotation is not None:
                self.visit(arg.annotation)
        return [a.arg for a in every]

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        arg_names = self._visit_arguments(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        self.defs.append((node, self.scope))
        self._bind(node.name)
        scope = _Scope("function", self.scope)
        scope.bound.update(arg_names)
        self.scope = scope
        for stmt in node.body:
            self.visit(stmt)
        self.scope = scope.parent

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        arg_names = self._visit_arguments(node.args)
        scope = _Scope("function", self.scope)
        scope.bound.update(arg_names)
        self.scope = scope
        self.visit(node.body)
        self.scope = scope.parent

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in [*node.decorator_list, *node.bases, *[k.value for k in node.keywords]]:
            self.visit(expr)
        self.defs.append((node, self.scope))
        self._bind(node.name)
        scope = _Scope("class", self.scope)
        self.scope = scope
        for stmt in node.body:
            self.visit(stmt)
        self.scope = scope.parent

    def _visit_comprehension(self, generators: list[ast.comprehension], elements: list[ast.expr]) -> None:
        self.visit(generators[0].iter)
        scope = _Scope("comprehension", self.scope)
        self.scope = scope
        for i, generator in enumerate(generators):
            if i:
                self.visit(generator.iter)
            self.visit(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for element in elements:
            self.visit(element)
        self.scope = scope.parent

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._visit_comprehension(node.generators, [node.elt])

    visit_SetComp = visit_ListComp
    visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._visit_comprehension(node.generators, [node.key, node.value])

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        scope = self.scope
        while scope.kind == "comprehension":
            scope = scope.parent
        self.names.append((node.target, scope))
        self._bind(node.target.id, scope)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._bind(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node) -> None:  # pragma: no cover - no match statements in the package today
        if node.name:
            self._bind(node.name)
        self.generic_visit(node)

    visit_MatchStar = visit_MatchAs


def _resolve(name: str, scope: _Scope) -> tuple:
    """Where a name use refers to: ("global", name), ("target", Target) or ("local",)."""
    current, first = scope, True
    while current.kind != "module":
        if current.kind == "class" and not first:
            current = current.parent
            continue
        if name in current.global_decl:
            return ("global", name)
        if name in current.bound:
            if name in current.package_aliases:
                return ("target", current.package_aliases[name])
            return ("local",)
        first = False
        current = current.parent
    return ("global", name)


# typing's deprecated aliases of collections.abc classes: one binding serves both spellings.
_ABC_ALIASES = frozenset({
    "AsyncIterable", "AsyncIterator", "Awaitable", "Callable", "Collection", "Container", "Coroutine",
    "Generator", "Hashable", "ItemsView", "Iterable", "Iterator", "KeysView", "Mapping", "MutableMapping",
    "MutableSequence", "Reversible", "Sequence", "Sized", "ValuesView",
})


def _import_spec(node: ast.Import | ast.ImportFrom, alias: ast.alias) -> tuple:
    if isinstance(node, ast.ImportFrom):
        source = "." * node.level + (node.module or "")
        if source == "typing" and alias.name in _ABC_ALIASES:
            source = "collections.abc"
        return ("from", source, alias.name)
    return ("import", alias.name, None)


# --- reading modules ------------------------------------------------------------------------


def _docstring_node(tree: ast.Module) -> ast.stmt | None:
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first
    return None


def _is_main_guard(node: ast.stmt) -> bool:
    test = getattr(node, "test", None)
    return (isinstance(node, ast.If) and isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "__name__")


def _is_definition(node: ast.stmt) -> bool:
    """A statement that only defines names (kept when they are used); any other statement,
    e.g. a registration loop or call, is kept whenever its module is."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Assign):
        return all(isinstance(t, (ast.Name, ast.Tuple)) for t in node.targets)
    return isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)


def _parse_module(name: str, path: Path, display: str, is_init: bool, package: str) -> _Module:
    source = path.read_bytes()
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as err:
        raise VendorError(f"{display}:{err.lineno}: cannot parse: {err.msg}") from None
    line_starts = [0]
    for line in source.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    module = _Module(name, path, display, source, tree, [], {}, {}, {}, line_starts)
    for index, node in enumerate(tree.body):
        unit = _Unit(index, node, "code")
        module.units.append(unit)
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            unit.kind = "future"
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            unit.kind = "skip"  # module and attribute docstrings
            continue
        if (isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign))
                and any(isinstance(t, ast.Name) and t.id == "__all__"
                        for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))):
            unit.kind = "skip"
            continue
        if _is_main_guard(node):
            unit.kind = "skip"
            continue
        collector = _Collector(package, name, is_init, display)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            collector.visit(node)
            if collector.package_imports:
                unit.kind = "package_import"
                module.import_targets.update(collector.module_package_targets)
            else:
                unit.kind = "external_import"
                module.external.update(collector.module_external)
                for bound in collector.module_external:
                    module.binders.setdefault(bound, []).append(index)
            unit.binds = set(collector.module_scope.bound)
            continue
        collector.visit(node)
        unit.binds = set(collector.module_scope.bound)
        unit.kind = "code" if unit.binds and _is_definition(node) else "side_effect"
        for bound in unit.binds:
            module.binders.setdefault(bound, []).append(index)
        module.import_targets.update(collector.module_package_targets)
        _record_uses(module, unit, collector)
    return module


def _record_uses(module: _Module, unit: _Unit, collector: _Collector) -> None:
    attribute_bases = {id(attr.value) for attr, _ in collector.attrs}
    for attr, scope in collector.attrs:
        base = _resolve(attr.value.id, scope)
        if base[0] == "local":
            continue
        start = module.offset(attr.value.lineno, attr.value.col_offset)
        end = module.offset(attr.end_lineno, attr.end_col_offset)
        unit.uses.append(_Use(start, end, "attr", attr.attr, ("base", base, attr.value.id)))
    for name_node, scope in collector.names:
        resolution = _resolve(name_node.id, scope)
        if resolution[0] == "local":
            continue
        start = module.offset(name_node.lineno, name_node.col_offset)
        end = module.offset(name_node.end_lineno, name_node.end_col_offset)
        kind = "base" if id(name_node) in attribute_bases else "name"
        store = isinstance(name_node.ctx, (ast.Store, ast.Del)) and scope is collector.module_scope
        unit.uses.append(_Use(start, end, kind, name_node.id, resolution, store))
    for node, scope in collector.defs:
        if scope.kind != "module":
            continue
        line_start = module.offset(node.lineno, 0)
        line = module.source[line_start:module.after_line(node.lineno)]
        keyword = b"class " if isinstance(node, ast.ClassDef) else b"def "
        at = line.find(keyword + node.name.encode())
        if at < 0:
            raise VendorError(f"{module.where(node)}: cannot locate the name of {node.name!r}")
        start = line_start + at + len(keyword)
        unit.uses.append(_Use(start, start + len(node.name.encode()), "def", node.name, ("bind", node.name)))
    parents = _parents(unit.node)
    for node, _scope in collector.package_imports:
        body = parents.get(id(node))
        if body is None:  # the unit itself is the import (handled as a package_import unit)
            continue
        removed = [s for s in body if any(s is n for n, _ in collector.package_imports)]
        last_of_empty_block = len(removed) == len(body) and node is removed[-1]
        position = next(i for i, s in enumerate(body) if s is node)
        leads_block = position == 0 or (position == 1 and _is_docstring(body[0]))
        unit.removals.append((node, last_of_empty_block, leads_block))


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _parents(root: ast.AST) -> dict[int, list[ast.stmt]]:
    """Statement id -> the statement list that contains it (below ``root``)."""
    found: dict[int, list[ast.stmt]] = {}
    for node in ast.walk(root):
        for field_name in ("body", "orelse", "finalbody"):
            block = getattr(node, field_name, None)
            if isinstance(block, list):
                for child in block:
                    if isinstance(child, ast.stmt):
                        found[id(child)] = block
        for handler in getattr(node, "handlers", []) or []:
            for child in handler.body:
                found[id(child)] = handler.body
    return found


# --- the vendoring itself -------------------------------------------------------------------

_BUILTINS = set(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__package__",
                                  "__builtins__", "__path__"}


@dataclass
class VendoredSource:
    """The generated ``utils.py`` text and what went into it."""

    head: str  # docstring, __future__ and hoisted imports
    body: str  # the inlined module sections
    modules: list[str]
    hooks: dict[str, str]  # hook name -> "module.name" it was generated from
    renamed: dict[str, str]  # "module.name" -> emitted name, for names renamed to avoid clashes
    names: set[str] = field(default_factory=set)  # every top-level name the file defines
    package: str = PACKAGE

    @property
    def text(self) -> str:
        return self.head + "\n\n" + self.body

    def with_code(self, prologue: str = "", epilogue: str = "") -> str:
        """The file with extra top-level code after the imports and at the end (checked again)."""
        parts = [self.head.rstrip("\n") + "\n"]
        if prologue:
            parts.append(prologue.strip("\n") + "\n")
        parts.append(self.body.rstrip("\n") + "\n")
        if epilogue:
            parts.append(epilogue.strip("\n") + "\n")
        text = "\n\n".join(parts)
        check_generated(text, self.hooks, self.package)
        return text


class Vendorer:
    """Collects modules, resolves hooks and emits one flattened source file."""

    def __init__(self, overrides: Mapping[Symbol, Symbol] | None = None,
                 constants: Mapping[Symbol, object] | None = None, package: str = PACKAGE) -> None:
        self.package = package
        self._modules: dict[str, _Module] = {}
        self.overrides = dict(overrides or {})
        self.constants = dict(constants or {})

    # modules
    def add_file(self, name: str, path: str | Path, display: str | None = None) -> None:
        """Register a source file that is not importable by name (a task folder's ``utils.py``)."""
        path = Path(path)
        self._modules[name] = _parse_module(name, path, display or path.name, path.name == "__init__.py", self.package)

    def module(self, name: str) -> _Module:
        if name not in self._modules:
            if not _in_package(name, self.package):
                raise VendorError(f"{name} is not part of {self.package}; only {self.package} modules are inlined")
            spec = importlib.util.find_spec(name)
            if spec is None or not spec.origin or not spec.origin.endswith(".py"):
                raise VendorError(f"cannot find the source of module {name}")
            path = Path(spec.origin)
            display = name.replace(".", "/") + ("/__init__.py" if path.name == "__init__.py" else ".py")
            self._modules[name] = _parse_module(name, path, display, path.name == "__init__.py", self.package)
        return self._modules[name]

    def canonical(self, symbol: Symbol) -> Symbol:
        """Follow re-exports and overrides to the module that defines ``symbol``."""
        seen = []
        while True:
            symbol = self.overrides.get(symbol, symbol)
            if symbol in seen:
                raise VendorError(f"import cycle while resolving {'.'.join(symbol)}")
            seen.append(symbol)
            module = self.module(symbol[0])
            if symbol[1] in module.binders:
                return symbol
            target = module.import_targets.get(symbol[1])
            if target is None:
                raise VendorError(f"{module.display} defines no top-level name {symbol[1]!r}")
            if target.attr is None:
                raise VendorError(f"{module.display}: {symbol[1]!r} is a module object; import the names it provides")
            symbol = (target.module, target.attr)

    def _target_symbol(self, target: Target, attr: str | None, where: str) -> Symbol:
        if target.attr is None:
            if attr is None:
                raise VendorError(f"{where}: module {target.module} is used as an object; "
                                  "only `module.name` uses can be inlined")
            return self.canonical((target.module, attr))
        if attr is not None:
            raise VendorError(f"{where}: attribute of an imported name cannot be resolved statically")
        return self.canonical((target.module, target.attr))

    def _symbol_of(self, module: _Module, use: _Use, where: str) -> Symbol | None:
        """The canonical symbol a use denotes (None for builtins, locals and plain attributes)."""
        if use.kind == "def":
            return (module.name, use.name)
        if use.kind == "attr":
            _, base, base_name = use.resolution
            target = None
            if base[0] == "target":
                target = base[1]
            elif base_name in module.import_targets and base_name not in module.binders:
                target = module.import_targets[base_name]
            if target is None or target.attr is not None:
                return None  # attribute of an ordinary object
            return self._target_symbol(target, use.name, where)
        resolution = use.resolution
        if resolution[0] == "target":
            if use.kind == "base" and resolution[1].attr is None:
                return None
            return self._target_symbol(resolution[1], None, where)
        name = resolution[1]
        if name in module.binders:
            symbol = (module.name, name)
            return symbol if use.store else self.canonical(symbol)
        if name in module.import_targets:
            target = module.import_targets[name]
            if use.kind == "base" and target.attr is None:
                return None
            return self._target_symbol(target, None, where)
        if name == "__file__":
            raise VendorError(f"{where}: reads files next to its module (__file__), which an inlined copy does not "
                              "have; keep such data in Python constants")
        if name in _BUILTINS:
            return None
        raise VendorError(f"{where}: name {name!r} is not defined at module level")

    def vendor(self, hooks: Mapping[str, Symbol], title: str = "") -> VendoredSource:
        """Generate the flattened source defining every hook name (hook -> the symbol behind it)."""
        roots = {hook: self.canonical(symbol) for hook, symbol in hooks.items()}
        needed: dict[str, set[int]] = {}
        external: list[Symbol] = []
        queue = list(roots.values())
        done: set[Symbol] = set()
        while queue:
            symbol = queue.pop()
            if symbol in done:
                continue
            done.add(symbol)
            module = self.module(symbol[0])
            for index in module.binders[symbol[1]]:
                unit = module.units[index]
                if unit.kind == "external_import":
                    if symbol not in external:
                        external.append(symbol)
                    continue
                queue.extend(self._add_unit(module, index, needed))
        return self._emit(roots, needed, external, title)

    def _add_unit(self, module: _Module, index: int, needed: dict[str, set[int]]) -> list[Symbol]:
        first = module.name not in needed
        kept = needed.setdefault(module.name, set())
        if index in kept:
            return []
        kept.add(index)
        symbols = []
        if first:
            for unit in module.units:
                if unit.kind == "side_effect":
                    symbols.extend(self._add_unit(module, unit.index, needed))
        unit = module.units[index]
        for use in unit.uses:
            symbol = self._symbol_of(module, use, f"{module.display}:{module.line_of(use.start)}")
            if symbol is not None and not (symbol[0] == module.name and symbol[1] in unit.binds):
                symbols.append(symbol)
        return symbols

    # emission
    def _module_order(self, needed: Mapping[str, set[int]]) -> list[str]:
        order: list[str] = []
        visiting: set[str] = set()

        def visit(name: str) -> None:
            if name in order or name in visiting:
                return
            visiting.add(name)
            for target in self.module(name).import_targets.values():
                if target.module in needed:
                    visit(target.module)
            visiting.discard(name)
            order.append(name)

        for name in sorted(needed):
            visit(name)
        return order

    def _emit(self, roots: Mapping[str, Symbol], needed: Mapping[str, set[int]], external: list[Symbol],
              title: str) -> VendoredSource:
        order = self._module_order(needed)
        names: dict[Symbol, str] = {}
        taken: dict[str, object] = {}
        renamed: dict[str, str] = {}
        for hook, symbol in roots.items():
            taken[hook] = symbol
            if hook == symbol[1]:
                names[symbol] = hook

        def claim(symbol: Symbol, key: object) -> None:
            if symbol in names:
                return
            wanted = symbol[1]
            if taken.get(wanted, key) == key:
                taken[wanted] = key
                names[symbol] = wanted
                return
            short = self.module(symbol[0]).short
            candidate = f"_{short}{wanted}" if wanted.startswith("_") else f"{short}_{wanted}"
            serial = 2
            while candidate in taken:
                candidate = f"{candidate}{serial}"
                serial += 1
            taken[candidate] = key
            names[symbol] = candidate
            renamed[".".join(symbol)] = candidate

        external_specs = {symbol: self.module(symbol[0]).external[symbol[1]] for symbol in external}
        for module_name in order:
            module = self.module(module_name)
            for index in sorted(needed[module_name]):
                for bound in sorted(module.units[index].binds):
                    claim((module_name, bound), (module_name, bound))
            for symbol in external:
                if symbol[0] == module_name:
                    claim(symbol, external_specs[symbol])

        future = sorted({alias.name for m in order for u in self.module(m).units if u.kind == "future"
                         for alias in u.node.names})
        head = [_header(title, [self.module(m).display for m in order])]
        if future:
            head.append(f"from __future__ import {', '.join(future)}\n")
        head.append(_imports_block(external, external_specs, names))
        body = [self._module_text(self.module(m), sorted(needed[m]), names) for m in order]
        aliases = [f"{hook} = {names[symbol]}\n" for hook, symbol in roots.items() if names[symbol] != hook]
        if aliases:
            body.append("# hooks the task YAMLs name, bound to the functions above\n" + "".join(aliases))
        head_text = "\n".join(part.rstrip("\n") + "\n" for part in head if part)
        body_text = "\n\n".join(part.rstrip("\n") + "\n" for part in body)
        hooks = {hook: ".".join(symbol) for hook, symbol in roots.items()}
        source = VendoredSource(head_text, body_text, [self.module(m).display for m in order], hooks, renamed,
                                set(taken), self.package)
        check_generated(source.text, list(roots), self.package)
        return source

    def _module_text(self, module: _Module, indices: list[int], names: Mapping[Symbol, str]) -> str:
        banner = ["# " + "-" * 94, f"# from {module.display}"]
        doc = _docstring_node(module.tree)
        if doc is not None:  # its first paragraph; the full text is in the module itself
            summary = doc.value.value.strip().split("\n\n")[0]
            banner.extend(("# " + line.strip()).rstrip() for line in summary.splitlines())
        banner.append("# " + "-" * 94)
        chunks = [self._unit_text(module, module.units[index], names) for index in indices]
        return "\n".join(banner) + "\n\n" + "\n\n\n".join(chunk.rstrip("\n") for chunk in chunks) + "\n"

    def _unit_text(self, module: _Module, unit: _Unit, names: Mapping[Symbol, str]) -> str:
        node = unit.node
        first_line = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        previous_end = module.units[unit.index - 1].node.end_lineno if unit.index else 0
        lines = module.source.splitlines(keepends=True)
        while first_line - 1 > previous_end and lines[first_line - 2].strip().startswith(b"#"):
            first_line -= 1
        start = module.offset(first_line, 0)
        end = module.after_line(node.end_lineno)
        edits: list[tuple[int, int, bytes]] = []
        where = module.where(node)
        for use in unit.uses:
            symbol = self._symbol_of(module, use, f"{module.display}:{module.line_of(use.start)}")
            if symbol is None:
                continue
            emitted = names.get(symbol)
            if emitted is None:
                raise VendorError(f"{where}: {'.'.join(symbol)} is used but was not collected")
            original = module.source[use.start:use.end].decode("utf-8")
            if emitted != original:
                edits.append((use.start, use.end, emitted.encode()))
        for name, value in self.constants.items():
            if name[0] == module.name and name[1] in unit.binds and isinstance(node, (ast.Assign, ast.AnnAssign)):
                value_node = node.value
                literal = json.dumps(value) if isinstance(value, str) else repr(value)
                edits.append((module.offset(value_node.lineno, value_node.col_offset),
                              module.offset(value_node.end_lineno, value_node.end_col_offset), literal.encode()))
        for removed, replace_with_pass, leads_block in unit.removals:
            edits.append(_removal(module, removed, replace_with_pass, leads_block))
        edits.sort()
        for (a_start, a_end, _), (b_start, _b_end, _) in zip(edits, edits[1:]):
            if b_start < a_end:
                raise VendorError(f"{where}: overlapping rewrites; simplify this statement")
        text = module.source[start:end]
        for edit_start, edit_end, replacement in reversed(edits):
            text = text[: edit_start - start] + replacement + text[edit_end - start:]
        return text.decode("utf-8")


def _removal(module: _Module, node: ast.stmt, replace_with_pass: bool, leads_block: bool) -> tuple[int, int, bytes]:
    """Delete a package import statement (whole lines when it owns them) or turn it into ``pass``.

    An import that opens its block (after the docstring, if any) takes the blank line
    that followed it along, so the function body does not start with an empty line.
    """
    start = module.offset(node.lineno, node.col_offset)
    end = module.offset(node.end_lineno, node.end_col_offset)
    line_start = module.offset(node.lineno, 0)
    next_line = module.after_line(node.end_lineno)
    after = module.source[end:next_line].strip()
    owns_lines = not module.source[line_start:start].strip() and (not after or after.startswith(b"#"))
    if replace_with_pass:
        return start, end, b"pass"
    if owns_lines:
        if leads_block and node.end_lineno + 1 < len(module.line_starts) - 1:
            following = module.source[next_line:module.after_line(node.end_lineno + 1)]
            if not following.strip():
                next_line += len(following)
        return line_start, next_line, b""
    return start, end, b"pass"


def _header(title: str, displays: list[str]) -> str:
    from lmms_emotion import __version__

    sources = "\n".join(f"    {d}" for d in displays)
    return (
        f'"""{title or "Task hooks"}\n\n'
        f"Generated by `lmms-emotion export-upstream` (lmms-emotion {__version__}) from:\n\n{sources}\n\n"
        "Do not edit by hand. The code is inlined from those modules so this task folder imports\n"
        "nothing outside lmms-eval; edit the modules and regenerate instead.\n"
        '"""\n'
    )


def _imports_block(external: list[Symbol], specs: Mapping[Symbol, tuple], names: Mapping[Symbol, str]) -> str:
    plain: list[str] = []
    from_lines: dict[str, list[str]] = {}
    for symbol in external:
        kind, source, attr = specs[symbol]
        emitted = names[symbol]
        if kind == "import":
            bound = source.split(".")[0]
            line = f"import {source}" if emitted == bound else f"import {source} as {emitted}"
            if line not in plain:
                plain.append(line)
        else:
            item = attr if emitted == attr else f"{attr} as {emitted}"
            items = from_lines.setdefault(source, [])
            if item not in items:
                items.append(item)
    lines = sorted(plain) + [f"from {source} import {', '.join(sorted(items))}"
                             for source, items in sorted(from_lines.items())]
    return "\n".join(lines) + "\n" if lines else ""


def check_generated(text: str, hooks: Iterable[str], package: str = PACKAGE) -> None:
    """Raise :class:`VendorError` unless ``text`` parses, imports nothing from the package and defines ``hooks``."""
    try:
        tree = ast.parse(text)
    except SyntaxError as err:  # pragma: no cover - a bug in the rewriting
        raise VendorError(f"generated source does not parse (line {err.lineno}: {err.msg})") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and _in_package(node.module, package):
            raise VendorError(f"generated source still imports {node.module} (line {node.lineno})")
        if isinstance(node, ast.Import) and any(_in_package(a.name, package) for a in node.names):
            raise VendorError(f"generated source still imports {package} (line {node.lineno})")
    defined = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            defined.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined.add(node.target.id)
    missing = sorted(set(hooks) - defined)
    if missing:
        raise VendorError(f"generated source does not define the hooks {missing}")
    compile(text, "utils.py", "exec")
