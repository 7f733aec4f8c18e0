"""An abstract interpreter for model-building Python code.

It walks the module's syntax tree (the stdlib `ast`, never importing or running anything) and
evaluates just enough Python to know which Keras layers are built and how tensors flow between them:
imports (every spelling, resolved by `names.classify`), assignments, calls, lists, `model.add`,
user functions (inlined at their call sites, and also run on their own), user classes (`__init__`,
`build`, other methods, then `call`, sharing one `self`), branches (both sides, joined) and loops
(unrolled over literal sequences, run once otherwise). Everything else is `Unknown`.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from codemod.analysis import names, walk_statements
from codemod.analysis.flow import Graph
from codemod.analysis.names import Kind
from codemod.analysis.values import (
    UNKNOWN,
    Alt,
    BoundMethod,
    Const,
    Function,
    FunctionalModel,
    Instance,
    Layer,
    LayerList,
    LazyImport,
    ModuleRef,
    ProducerSpec,
    ProjectModuleRef,
    SequentialModel,
    Super,
    Tensor,
    Unknown,
    UserClass,
    Value,
    join,
)
from codemod.catalogue import (
    CATALOGUE,
    HELPER_MASK,
    MASKING_DEFAULT_VALUE,
    Catalogue,
    Family,
)

if TYPE_CHECKING:
    from codemod.analysis.project import ProjectImports

MAX_CALL_DEPTH = 8
MAX_MODULE_DEPTH = 3  # imports of imports followed, at most
MAX_UNROLL = 32
_LIST_METHODS = frozenset({"append", "extend", "insert", "add"})
# Builtins the interpreter follows over known lists, unless the file rebinds their names.
_SEQUENCE_BUILTINS = frozenset({"enumerate", "zip", "reversed", "list", "tuple", "range"})


class Scope:
    """Variables of one module, function or class body; lookups fall back to the parent."""

    def __init__(self, parent: Scope | None = None) -> None:
        self.vars: dict[str, Value] = {}
        self.parent = parent
        # The project module (its file) whose code runs in this scope; None for the file analysed.
        self.file: str | None = parent.file if parent is not None else None
        self.star_modules: list[str] = []
        self.made: list[Scope] = parent.made if parent is not None else []
        self.made.append(self)  # every scope of the run, so that release() can empty them all

    def lookup(self, name: str) -> Value | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            scope = scope.parent
        return None

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


class _Return(Exception):
    """Unwinds an inlined function at `return`."""


class _Frame:
    def __init__(self) -> None:
        self.returned: Value | None = None


class Interpreter:
    def __init__(
        self,
        tree: ast.Module,
        graph: Graph,
        catalogue: Catalogue = CATALOGUE,
        lines: Sequence[str] = (),
        imports: ProjectImports | None = None,
        foreign: dict[int, str] | None = None,
    ) -> None:
        self.tree = tree
        # The project's modules this file imports (project.py): run once each, on demand. The
        # nodes of theirs that run are `foreign` (id -> file): findings located there belong to
        # their own file.
        self.imports = imports
        self.foreign: dict[int, str] = foreign if foreign is not None else {}
        self.loaded: dict[str, Scope | None] = {}
        self.importers: list[str] = [imports.path] if imports is not None else []
        self._modules: list[ast.Module] = []  # keeps the foreign trees (and node ids) alive
        self.lines = lines  # the source's lines: where our helper blocks are (`is_our_helper`)
        self._our_helpers: set[int] | None = None
        self.graph = graph
        self.catalogue = catalogue
        self.layer_names = catalogue.names()
        self.module_scope = Scope()
        self.sequentials: list[SequentialModel] = []
        self.functions: list[Function] = []
        self.classes: list[UserClass] = []
        self.frames: list[_Frame] = []
        self.call_stack: list[ast.AST] = []
        self.running: list[Function] = []  # the functions being run, innermost last (super())
        # Statements interpreted before inlining stops: generous, and proportional to the file.
        last_line = tree.body[-1].end_lineno or 0 if tree.body else 0
        self.budget = 20_000 + 40 * last_line
        self._class_flags: dict[tuple[int, str], bool] = {}
        self.class_results: dict[int, Value] = {}  # a class run on its own -> what call returned

    # Entry point ---------------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self._run()
        finally:
            self.release()

    def release(self) -> None:
        """Empty every scope. Functions and classes hold the scope they were defined in, which
        holds them: cycles that would keep the whole syntax tree alive until the garbage
        collector found them. Broken here, everything is freed at once by reference counting."""
        for scope in self.module_scope.made:
            scope.vars.clear()
        self.module_scope.made.clear()

    def _run(self) -> None:
        self.exec_block(self.tree.body, self.module_scope)
        done_functions: set[int] = set()
        # Functions and classes defined while running may define more; run each once on its own.
        while True:
            todo_f = [f for f in self.functions if id(f.node) not in done_functions]
            todo_c = [c for c in self.classes if id(c.node) not in self.class_results]
            if not todo_f and not todo_c:
                break
            for cls in todo_c:
                self.run_class(cls)
            for function in todo_f:
                done_functions.add(id(function.node))
                if function.bound_self is None:
                    self.call_function(function, [], {}, standalone=True)
        for model in list(self.sequentials):
            self.run_sequential(model, Tensor(), model_output=True)

    def run_class(self, cls: UserClass) -> Value:
        """Run a class's methods once with one shared `self`: __init__, build, the others, call;
        return what its call returns (kept: a class is run once).
        __init__, build and call may come from a base class (the layers a base makes in its
        __init__ are the subclass's too)."""
        if id(cls.node) in self.class_results:
            return self.class_results[id(cls.node)]
        self.class_results[id(cls.node)] = UNKNOWN  # a class made while it runs: not again
        instance = Instance(cls)
        own = [
            stmt.name
            for stmt in cls.node.body
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        order = ["__init__", "build"]
        order += [n for n in own if n not in ("__init__", "build", "call")]
        order += ["call"]
        for name in order:
            found = self.find_method(cls, name)
            if found is None:
                continue
            method, owner = found
            function = Function(method, owner.scope, bound_self=instance, owner=owner)
            result = self.call_function(function, [], {}, standalone=True)
            if name == "call":
                self.class_results[id(cls.node)] = result
            if name == "call" and self.class_kind(cls) == Kind.MODEL and isinstance(result, Tensor):
                self.graph.reaches_output(result)
        return self.class_results[id(cls.node)]

    # Statements ---------------------------------------------------------------------------------

    def exec_block(self, body: list[ast.stmt], scope: Scope) -> None:
        for stmt in body:
            self.exec_stmt(stmt, scope)

    def exec_stmt(self, stmt: ast.stmt, scope: Scope) -> None:
        self.budget -= 1
        if self.budget < 0:
            return
        if scope.file is not None:  # another module's code: its findings are placed there
            self.foreign[id(stmt)] = scope.file
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                bound = alias.asname or alias.name.split(".", 1)[0]
                dotted = alias.name if alias.asname else bound
                scope.vars[bound] = self.project_module(dotted) or ModuleRef(dotted)
        elif isinstance(stmt, ast.ImportFrom):
            module = "." * stmt.level + (stmt.module or "")
            for alias in stmt.names:
                if alias.name == "*":
                    scope.star_modules.append(module)
                    self.star_import_project(module, scope)
                else:
                    # A project module is run only when the name is used (LazyImport).
                    value: Value = ModuleRef(f"{module}.{alias.name}")
                    if self.project_file(module, alias.name) is not None:
                        value = LazyImport(module, alias.name, self.importers[-1])
                    scope.vars[alias.asname or alias.name] = value
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = Function(stmt, scope)
            scope.vars[stmt.name] = function
            self.functions.append(function)
        elif isinstance(stmt, ast.ClassDef):
            cls = UserClass(stmt, [self.eval(b, scope) for b in stmt.bases], scope)
            scope.vars[stmt.name] = cls
            self.classes.append(cls)
        elif isinstance(stmt, ast.Assign):
            value = self.eval(stmt.value, scope)
            for target in stmt.targets:
                self.assign(target, value, scope)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self.assign(stmt.target, self.eval(stmt.value, scope), scope)
        elif isinstance(stmt, ast.AugAssign):
            self.aug_assign(stmt, scope)
        elif isinstance(stmt, ast.Expr):
            self.eval(stmt.value, scope)
        elif isinstance(stmt, ast.Return):
            value = self.eval(stmt.value, scope) if stmt.value is not None else Const(None)
            if self.frames:
                frame = self.frames[-1]
                frame.returned = value if frame.returned is None else join(frame.returned, value)
                raise _Return
        elif isinstance(stmt, ast.If):
            self.eval(stmt.test, scope)
            self.exec_branches([stmt.body, stmt.orelse], scope)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.exec_for(stmt, scope)
        elif isinstance(stmt, ast.While):
            self.eval(stmt.test, scope)
            self.exec_block(stmt.body, scope)
            self.exec_block(stmt.orelse, scope)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                value = self.eval(item.context_expr, scope)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value, scope)
            self.exec_block(stmt.body, scope)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self.exec_block(stmt.body, scope)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                self.exec_block(handler.body, scope)
            self.exec_block(stmt.orelse, scope)  # type: ignore[attr-defined]
            self.exec_block(stmt.finalbody, scope)  # type: ignore[attr-defined]
        elif isinstance(stmt, ast.Match):
            self.eval(stmt.subject, scope)
            self.exec_branches([case.body for case in stmt.cases], scope)

    # The project's modules ----------------------------------------------------------------------

    def resolve(self, lazy: LazyImport) -> Value:
        """What a name imported from the project's module is, now that it is used."""
        self.importers.append(lazy.importer)
        try:
            value = self.project_value(lazy.module, lazy.name)
        finally:
            self.importers.pop()
        return value if value is not None else ModuleRef(f"{lazy.module}.{lazy.name}")

    def project_value(self, module: str, name: str) -> Value | None:
        """What `from module import name` binds when `module` is the project's own: the value
        its code gives `name` (a class, a function, a constant, a layer), or the submodule
        `module.name`; None when it is not the project's (or the name is not found there)."""
        if self.imports is None:
            return None
        file = self.imports.find(_submodule(module, name), self.importers[-1])
        if file is not None:
            loaded = self.load(file)
            if loaded is not None:
                return ProjectModuleRef(loaded)
        file = self.imports.find(module, self.importers[-1])
        loaded = self.load(file) if file is not None else None
        value = loaded.vars.get(name) if loaded is not None else None
        if isinstance(value, LazyImport):  # a name that module imports in turn
            value = loaded.vars[name] = self.resolve(value)  # type: ignore[union-attr]
        return value

    def project_file(self, module: str, name: str) -> str | None:
        """The project's file `from module import name` reads: the submodule's, or the module's."""
        if self.imports is None:
            return None
        importer = self.importers[-1]
        return self.imports.find(_submodule(module, name), importer) or self.imports.find(
            module, importer
        )

    def project_module(self, module: str) -> Value | None:
        """`import module` when it is the project's own: its variables, run once."""
        if self.imports is None:
            return None
        file = self.imports.find(module, self.importers[-1])
        loaded = self.load(file) if file is not None else None
        return ProjectModuleRef(loaded) if loaded is not None else None

    def star_import_project(self, module: str, scope: Scope) -> None:
        if self.imports is None:
            return
        file = self.imports.find(module, self.importers[-1])
        loaded = self.load(file) if file is not None else None
        if loaded is not None:
            for name, value in loaded.vars.items():
                if not name.startswith("_"):
                    scope.vars.setdefault(name, value)

    def load(self, file: str) -> Scope | None:
        """Run a module of the project once (its top-level code; its functions and classes run
        when this file uses them, not on their own), and return its variables."""
        key = os.path.abspath(file)
        if key in self.loaded:
            return self.loaded[key]  # a cycle gets the variables defined so far
        if len(self.importers) > MAX_MODULE_DEPTH or self.imports is None:
            return None
        module = self.imports.read(file)
        if module is None:
            self.loaded[key] = None
            return None
        scope = Scope(self.module_scope)
        scope.parent = None  # a module of its own (Scope(parent) only shares the release list)
        scope.file = module.path
        self.loaded[key] = scope
        self._modules.append(module.tree)
        counts = len(self.functions), len(self.classes), len(self.sequentials)
        self.importers.append(file)
        try:
            self.exec_block(module.tree.body, scope)
        finally:
            self.importers.pop()
            del self.functions[counts[0] :], self.classes[counts[1] :]
            del self.sequentials[counts[2] :]
        return scope

    def exec_branches(self, bodies: list[list[ast.stmt]], scope: Scope) -> None:
        """Run each branch from the same state, then join what each one assigned."""
        runs = [lambda body=body: self.exec_block(body, scope) for body in bodies]  # type: ignore[misc]
        self.exec_alternatives(runs, scope)

    def exec_alternatives(self, runs: list[Callable[[], None]], scope: Scope) -> None:
        """Run each alternative from the same state (branches, or a loop over each of the lists
        a variable may hold), then join what each one assigned. With one alternative, not running
        it is the other (an `if` without `else`)."""
        before = dict(scope.vars)
        results: list[dict[str, Value]] = []
        returned_all = True
        for run in runs:
            scope.vars = dict(before)
            try:
                run()
                returned_all = False
            except _Return:
                continue
            results.append(scope.vars)
        if len(runs) <= 1:
            results.append(before)
            returned_all = False
        merged: dict[str, Value] = {}
        for result in results:
            for name, value in result.items():
                merged[name] = join(merged[name], value) if name in merged else value
        scope.vars = merged or before
        if returned_all and runs:
            raise _Return

    def exec_for(self, stmt: ast.For | ast.AsyncFor, scope: Scope) -> None:
        iterable = self.eval(stmt.iter, scope)
        if isinstance(iterable, Alt):  # a list chosen on a branch: the loop over each, joined
            options = [self.literal_elements(option) for option in iterable.options]
            if all(o is not None and len(o) <= MAX_UNROLL for o in options) and len(options) > 1:
                runs = [lambda o=o: self.unroll(stmt, o, scope) for o in options]  # type: ignore[misc]
                self.exec_alternatives(runs, scope)
                self.exec_block(stmt.orelse, scope)
                return
        elements = self.literal_elements(iterable)
        if elements is None or len(elements) > MAX_UNROLL:
            elements = [UNKNOWN]  # run once, on an element the analysis does not know
        self.unroll(stmt, elements, scope)
        self.exec_block(stmt.orelse, scope)

    def unroll(self, stmt: ast.For | ast.AsyncFor, elements: list[Value], scope: Scope) -> None:
        for element in elements:
            self.assign(stmt.target, element, scope)
            self.exec_block(stmt.body, scope)

    def literal_elements(self, value: Value) -> list[Value] | None:
        """The elements of a list or tuple the analysis knows; for one of several lists (a list
        chosen on a branch), the elements of every one of them, as a loop over it may see any."""
        if isinstance(value, LayerList):
            return [item for item, _ in value.items]
        if isinstance(value, Const) and isinstance(value.value, (tuple, list)):
            return [Const(v) for v in value.value]
        if isinstance(value, Alt):
            options = [self.literal_elements(option) for option in value.options]
            if all(option is not None for option in options):
                return [element for option in options for element in option]  # type: ignore[union-attr]
        return None

    def assign(self, target: ast.expr, value: Value, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            scope.vars[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            elements = self.literal_elements(value)
            for i, element in enumerate(target.elts):
                if isinstance(element, ast.Starred):
                    self.assign(element.value, UNKNOWN, scope)
                elif (
                    elements is not None and i < len(elements) and len(elements) == len(target.elts)
                ):
                    self.assign(element, elements[i], scope)
                else:
                    self.assign(element, UNKNOWN, scope)
        elif isinstance(target, ast.Attribute):
            owner = self.eval(target.value, scope)
            if isinstance(owner, Instance):
                owner.attrs[target.attr] = value

    def aug_assign(self, stmt: ast.AugAssign, scope: Scope) -> None:
        current = self.eval(stmt.target, scope)
        value = self.eval(stmt.value, scope)
        lists = current.options if isinstance(current, Alt) else (current,)
        if isinstance(stmt.op, ast.Add) and all(isinstance(v, LayerList) for v in lists):
            for items in lists:  # `+=` grows the list in place, whichever it is
                self.extend(items, value, stmt.value)  # type: ignore[arg-type]
        else:
            self.assign(stmt.target, UNKNOWN, scope)

    # Expressions --------------------------------------------------------------------------------

    def eval(self, expr: ast.expr | None, scope: Scope) -> Value:
        if expr is None:
            return UNKNOWN
        if scope.file is not None:
            self.foreign[id(expr)] = scope.file
        if isinstance(expr, ast.Constant):
            return Const(expr.value)
        if isinstance(expr, ast.Name):
            return self.lookup(expr.id, scope)
        if isinstance(expr, ast.Attribute):
            return self.attribute(self.eval(expr.value, scope), expr.attr)
        if isinstance(expr, ast.Call):
            return self.call(expr, scope)
        if isinstance(expr, (ast.List, ast.Tuple)):
            items = LayerList()
            for element in expr.elts:
                if isinstance(element, ast.Starred):
                    self.extend(items, self.eval(element.value, scope), element)
                else:
                    items.items.append((self.eval(element, scope), element))
            if isinstance(expr, ast.Tuple) and all(isinstance(v, Const) for v, _ in items.items):
                return Const(tuple(v.value for v, _ in items.items))  # type: ignore[attr-defined]
            return items
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, (ast.USub, ast.UAdd)):
            operand = self.eval(expr.operand, scope)
            if isinstance(operand, Const) and isinstance(operand.value, (int, float)):
                return Const(-operand.value if isinstance(expr.op, ast.USub) else operand.value)
            return UNKNOWN
        if isinstance(expr, ast.BinOp):
            return self.binop(expr, scope)
        if isinstance(expr, ast.IfExp):
            self.eval(expr.test, scope)
            return join(self.eval(expr.body, scope), self.eval(expr.orelse, scope))
        if isinstance(expr, ast.ListComp):
            return self.list_comprehension(expr, scope)
        if isinstance(expr, ast.Subscript):
            return self.subscript(expr, scope)
        if isinstance(expr, ast.NamedExpr):
            value = self.eval(expr.value, scope)
            self.assign(expr.target, value, scope)
            return value
        if isinstance(expr, (ast.Lambda, ast.GeneratorExp, ast.SetComp, ast.DictComp)):
            return UNKNOWN
        for child in ast.iter_child_nodes(expr):
            if isinstance(child, ast.expr):
                self.eval(child, scope)
        return UNKNOWN

    def lookup(self, name: str, scope: Scope) -> Value:
        value = scope.lookup(name)
        if isinstance(value, LazyImport):
            value = self.resolve(value)
            owner: Scope | None = scope
            while owner is not None and name not in owner.vars:
                owner = owner.parent
            if owner is not None:
                owner.vars[name] = value
        if value is not None:
            return value
        search: Scope | None = scope
        while search is not None:
            for module in search.star_modules:
                path = names.star_import_path(module, name, self.layer_names)
                if path is not None:
                    return ModuleRef(path)
            search = search.parent
        return UNKNOWN

    def attribute(self, owner: Value, attr: str) -> Value:
        if isinstance(owner, ModuleRef):
            return ModuleRef(f"{owner.path}.{attr}")
        if isinstance(owner, ProjectModuleRef):
            value = owner.scope.vars.get(attr, UNKNOWN)  # type: ignore[attr-defined]
            if isinstance(value, LazyImport):
                value = owner.scope.vars[attr] = self.resolve(value)  # type: ignore[attr-defined]
            return value
        if isinstance(owner, Instance):
            if attr in owner.attrs:
                return owner.attrs[attr]
            found = self.find_method(owner.cls, attr)
            if found is not None:
                method, defining = found
                return Function(method, defining.scope, bound_self=owner, owner=defining)
            return UNKNOWN
        if isinstance(owner, Super):
            for base in owner.owner.bases:
                found = self.find_method(base, attr) if isinstance(base, UserClass) else None
                if found is not None:
                    method, defining = found
                    return Function(
                        method, defining.scope, bound_self=owner.instance, owner=defining
                    )
            return UNKNOWN  # a Keras base's method: super().__init__(**kwargs) and the like
        if isinstance(owner, (SequentialModel, LayerList)) and attr in _LIST_METHODS:
            return BoundMethod(owner, attr)
        if isinstance(owner, Alt):
            return Alt(tuple(self.attribute(option, attr) for option in owner.options))
        return UNKNOWN

    def find_method(
        self, cls: UserClass, name: str, depth: int = 0
    ) -> tuple[ast.FunctionDef, UserClass] | None:
        """The method `name` of `cls` or of its nearest user base class, with the class defining it."""
        for stmt in cls.node.body:
            if isinstance(stmt, ast.FunctionDef) and stmt.name == name:
                return stmt, cls
        for base in cls.bases:
            if isinstance(base, UserClass) and depth < 16:
                found = self.find_method(base, name, depth + 1)
                if found is not None:
                    return found
        return None

    def binop(self, expr: ast.BinOp, scope: Scope) -> Value:
        left = self.eval(expr.left, scope)
        right = self.eval(expr.right, scope)
        if isinstance(expr.op, ast.Add) and isinstance(left, LayerList):
            combined = LayerList(list(left.items))
            self.extend(combined, right, expr.right)
            return combined
        if isinstance(expr.op, ast.Mult):  # `[layer] * 3`: the same layer object three times
            items, count = (left, right) if isinstance(left, LayerList) else (right, left)
            if (
                isinstance(items, LayerList)
                and isinstance(count, Const)
                and type(count.value) is int
                and len(items.items) * max(count.value, 0) <= MAX_UNROLL
            ):
                return LayerList(items.items * max(count.value, 0))
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            return Tensor()  # raw arithmetic drops the mask silently: Keras does not warn
        return UNKNOWN

    def list_comprehension(self, expr: ast.ListComp, scope: Scope) -> Value:
        """One item per element of a known list (`[conv(x) for conv in self.convs]`); over a list
        the analysis does not know, one item made from an unknown element, as a loop runs once
        (`[Conv1D(k, 3) for k in sizes]` holds a Conv1D)."""
        if len(expr.generators) == 1 and not expr.generators[0].ifs:
            generator = expr.generators[0]
            elements = self.literal_elements(self.eval(generator.iter, scope))
            if elements is None or len(elements) > MAX_UNROLL:
                elements = [UNKNOWN]
            inner = Scope(scope)
            result = LayerList()
            for element in elements:
                self.assign(generator.target, element, inner)
                result.items.append((self.eval(expr.elt, inner), expr.elt))
            return result
        return LayerList([(Unknown(foreign="a list comprehension"), expr)])

    def subscript(self, expr: ast.Subscript, scope: Scope) -> Value:
        value = self.eval(expr.value, scope)
        if isinstance(expr.slice, ast.Slice):
            return self.slice(value, expr.slice, scope)
        index = self.eval(expr.slice, scope)
        if isinstance(value, LayerList):
            self.graph.indexed(value.items, expr)
        elements = self.literal_elements(value)
        if elements is not None and isinstance(index, Const) and isinstance(index.value, int):
            try:
                return elements[index.value]
            except IndexError:
                return UNKNOWN
        if isinstance(value, Tensor):
            return Tensor()  # slicing is a raw op: no mask
        return UNKNOWN

    def slice(self, value: Value, part: ast.Slice, scope: Scope) -> Value:
        """`layers[1:]`, `layers[::-1]`: a new list of the same layers, when the bounds are
        literal; a tensor's slice is a raw op (no mask)."""
        bounds = [self.eval(b, scope) if b is not None else Const(None) for b in
                  (part.lower, part.upper, part.step)]  # fmt: skip
        if isinstance(value, Tensor):
            return Tensor()
        literal = all(isinstance(b, Const) and (b.value is None or type(b.value) is int)
                      for b in bounds)  # fmt: skip
        if isinstance(value, LayerList):
            self.graph.indexed(value.items, part)
        if isinstance(value, LayerList) and literal:
            start, stop, step = (b.value for b in bounds)  # type: ignore[attr-defined]
            if step != 0:
                return LayerList(value.items[slice(start, stop, step)])
        return UNKNOWN

    def extend(self, items: LayerList, value: Value, site: ast.AST) -> None:
        if isinstance(value, LayerList):
            items.items.extend(value.items)
        else:
            label = (
                value.foreign if isinstance(value, Unknown) and value.foreign else "a dynamic list"
            )
            items.items.append((Unknown(foreign=label), site))

    # Calls --------------------------------------------------------------------------------------

    def call(self, expr: ast.Call, scope: Scope) -> Value:
        if self.imports is None or scope.file is not None:
            return self.evaluate_call(expr, scope)
        self.graph.entries.append(expr)  # a call of this file: where another module is entered
        try:
            return self.evaluate_call(expr, scope)
        finally:
            self.graph.entries.pop()

    def evaluate_call(self, expr: ast.Call, scope: Scope) -> Value:
        func = self.eval(expr.func, scope)
        args = [
            self.eval(arg.value if isinstance(arg, ast.Starred) else arg, scope)
            for arg in expr.args
        ]
        kwargs = {kw.arg: self.eval(kw.value, scope) for kw in expr.keywords if kw.arg is not None}
        if (
            func is UNKNOWN
            and isinstance(expr.func, ast.Name)
            and expr.func.id == "super"
            and self.running
            and self.running[-1].owner is not None
        ):
            method = self.running[-1]
            return Super(method.owner, method.bound_self or UNKNOWN)  # type: ignore[arg-type]
        if (
            func is UNKNOWN  # the name is not bound: the builtin
            and isinstance(expr.func, ast.Name)
            and expr.func.id in _SEQUENCE_BUILTINS
            and not any(isinstance(arg, ast.Starred) for arg in expr.args)
            and not kwargs
        ):
            return self.call_builtin(expr.func.id, args, expr)
        return self.call_value(func, args, kwargs, expr)

    def call_builtin(self, name: str, args: list[Value], expr: ast.Call) -> Value:
        """`enumerate`, `zip`, `reversed`, `list`, `tuple` and `range` over lists the analysis
        knows, so loops over them see the layers (`for i, layer in enumerate(layers)`)."""
        if name == "range":
            bounds = [a.value for a in args if isinstance(a, Const) and type(a.value) is int]
            if len(bounds) == len(args) and 1 <= len(args) <= 3 and (len(args) < 3 or bounds[2]):
                numbers = range(*bounds)
                return Const(tuple(numbers)) if len(numbers) <= MAX_UNROLL else UNKNOWN
            return UNKNOWN
        if len(args) == 1 and isinstance(args[0], Alt):  # over one of several lists: each
            results = [self.call_builtin(name, [option], expr) for option in args[0].options]
            return UNKNOWN if UNKNOWN in results else Alt(tuple(results))
        lists = [self.literal_elements(arg) for arg in args]
        if not lists or any(elements is None for elements in lists):
            return UNKNOWN
        known: list[list[Value]] = lists  # type: ignore[assignment]
        if name in ("list", "tuple") and len(args) == 1:
            return LayerList([(element, expr) for element in known[0]])
        if name == "reversed" and len(args) == 1:
            return LayerList([(element, expr) for element in reversed(known[0])])
        if name == "enumerate" and len(args) == 1:
            pairs = [[Const(i), element] for i, element in enumerate(known[0])]
        elif name == "zip":
            pairs = [list(elements) for elements in zip(*known)]
        else:
            return UNKNOWN
        return LayerList([(LayerList([(v, expr) for v in pair]), expr) for pair in pairs])

    def call_value(
        self, func: Value, args: list[Value], kwargs: dict[str, Value], expr: ast.Call
    ) -> Value:
        if isinstance(func, Alt):
            result: Value | None = None
            for option in func.options:
                value = self.call_value(option, args, kwargs, expr)
                result = value if result is None else join(result, value)
            return result or UNKNOWN
        if isinstance(func, ModuleRef):
            return self.call_module_ref(func, args, kwargs, expr)
        if isinstance(func, UserClass):
            return self.construct_user_layer(func, args, kwargs, expr)
        if isinstance(func, (Layer, SequentialModel, FunctionalModel)):
            inputs = self.layer_inputs(args, kwargs)
            return self.apply(func, inputs, expr)
        if isinstance(func, Function):
            return self.call_function(func, args, kwargs)
        if isinstance(func, BoundMethod):
            return self.call_method(func, args, kwargs, expr)
        if isinstance(func, Unknown) and func.foreign:
            self.flag_opaque(func.foreign, args, kwargs, expr)
        return UNKNOWN

    def call_module_ref(
        self, func: ModuleRef, args: list[Value], kwargs: dict[str, Value], expr: ast.Call
    ) -> Value:
        resolved = names.classify(func.path, self.layer_names)
        if resolved.kind is Kind.LAYER:
            layer = self.construct_keras_layer(resolved.name, args, kwargs, expr)
            layer.keras_2 = names.is_keras_2_path(func.path)
            layer.keras_module = names.keras_module(func.path)
            return layer
        if resolved.kind is Kind.HELPER:
            return self.construct_helper(resolved.name, args, kwargs, expr)
        if resolved.kind is Kind.SEQUENTIAL:
            layers = args[0] if args else kwargs.get("layers", LayerList())
            if isinstance(layers, Alt) and all(isinstance(o, LayerList) for o in layers.options):
                # A list built differently on two branches, then extended: one model for each.
                models = [SequentialModel(expr, option) for option in layers.options]  # type: ignore[arg-type]
                self.sequentials.extend(models)
                return Alt(tuple(models))
            if not isinstance(layers, LayerList):
                layers = (
                    LayerList([(Unknown(foreign="a dynamic list"), expr.args[0])])
                    if args
                    else (LayerList())
                )
            model = SequentialModel(expr, layers)
            self.sequentials.append(model)
            return model
        if resolved.kind is Kind.MODEL:
            outputs = args[1] if len(args) > 1 else kwargs.get("outputs", UNKNOWN)
            for tensor in self.tensors_in(outputs):
                self.graph.reaches_output(tensor)
            return FunctionalModel(expr, outputs)
        if resolved.kind is Kind.INPUT:
            return Tensor()
        if resolved.kind in (Kind.KERAS_OTHER, Kind.RAW_OP):
            if any(isinstance(v, Tensor) for v in [*args, *kwargs.values()]):
                return Tensor()  # ops drop the mask silently
            return UNKNOWN
        # A function or class from another module: the analysis cannot see inside it.
        module = func.path.rsplit(".", 1)[0] if "." in func.path.lstrip(".") else "another module"
        label = f"{ast.unparse(expr.func)}(), defined in {module}"
        self.flag_opaque(label, args, kwargs, expr)
        return Unknown(foreign=label)

    def flag_opaque(
        self, label: str, args: list[Value], kwargs: dict[str, Value], expr: ast.AST
    ) -> None:
        for value in [*args, *kwargs.values()]:
            for tensor in self.tensors_in(value):
                self.graph.opaque(label, tensor, expr, "which the analysis cannot see into")

    def tensors_in(self, value: Value) -> Iterator[Tensor]:
        if isinstance(value, Tensor):
            yield value
        elif isinstance(value, LayerList):
            for item, _ in value.items:
                if isinstance(item, Tensor):
                    yield item
        elif isinstance(value, Alt):
            for option in value.options:
                yield from self.tensors_in(option)

    def layer_inputs(self, args: list[Value], kwargs: dict[str, Value]) -> list[Tensor]:
        values = (
            list(args)
            if args
            else [kwargs[k] for k in ("inputs", "query", "value", "key") if k in kwargs]
        )
        if len(values) == 1 and isinstance(values[0], LayerList):
            values = [item for item, _ in values[0].items]
        tensors = []
        for value in values:
            found = list(self.tensors_in(value))
            if found:
                tensors.append(
                    Tensor(
                        frozenset(o for t in found for o in t.origins),
                        frozenset(tr for t in found for tr in t.traces),
                    )
                )
            else:
                tensors.append(Tensor())
        return tensors or [Tensor()]

    def call_method(
        self, method: BoundMethod, args: list[Value], kwargs: dict[str, Value], expr: ast.Call
    ) -> Value:
        target = method.target
        items = target.items if isinstance(target, SequentialModel) else target
        assert isinstance(items, LayerList)
        if method.name in ("append", "add") and args:
            items.items.append((args[0], expr.args[0]))
        elif method.name == "extend" and args:
            self.extend(items, args[0], expr.args[0])
        elif method.name == "insert" and len(args) == 2:
            index = args[0]
            position = (
                index.value if isinstance(index, Const) and isinstance(index.value, int) else None
            )
            if position is None:
                items.items.append((Unknown(foreign="a list insert"), expr))
            else:
                items.items.insert(position, (args[1], expr.args[1]))
        return Const(None)

    def call_function(
        self,
        function: Function,
        args: list[Value],
        kwargs: dict[str, Value],
        standalone: bool = False,
    ) -> Value:
        node = function.node
        if self.budget < 0 or len(self.call_stack) >= MAX_CALL_DEPTH or node in self.call_stack:
            return UNKNOWN
        scope = Scope(function.scope)  # type: ignore[arg-type]
        params = [*node.args.posonlyargs, *node.args.args]
        if function.bound_self is not None and params:
            scope.vars[params[0].arg] = function.bound_self
            params = params[1:]
        defaults = node.args.defaults
        first_default = len(params) - len(defaults)
        for i, param in enumerate(params):
            if standalone and i >= first_default:  # what the function does when called plainly
                value = self.default(function, param.arg, defaults[i - first_default])
            elif standalone:
                value = UNKNOWN  # callers may pass anything
            elif i < len(args):
                value = args[i]
            elif param.arg in kwargs:
                value = kwargs[param.arg]
            elif i >= first_default:
                value = self.eval(defaults[i - first_default], function.scope)  # type: ignore[arg-type]
            else:
                value = UNKNOWN
            scope.vars[param.arg] = value
        for param, default in zip(node.args.kwonlyargs, node.args.kw_defaults):
            if standalone:
                scope.vars[param.arg] = (
                    self.default(function, param.arg, default) if default else UNKNOWN
                )
            elif param.arg in kwargs:
                scope.vars[param.arg] = kwargs[param.arg]
            else:
                scope.vars[param.arg] = self.eval(default, function.scope) if default else UNKNOWN  # type: ignore[arg-type]
        for extra in (node.args.vararg, node.args.kwarg):
            if extra is not None:
                scope.vars[extra.arg] = UNKNOWN
        frame = _Frame()
        self.frames.append(frame)
        self.call_stack.append(node)
        self.running.append(function)
        try:
            self.exec_block(node.body, scope)
        except _Return:
            pass
        finally:
            self.frames.pop()
            self.call_stack.pop()
            self.running.pop()
        return frame.returned if frame.returned is not None else Const(None)

    def default(self, function: Function, param: str, default: ast.expr) -> Value:
        """A parameter's literal default, marked as one (a finding that depends on it says so);
        anything else is unknown: callers may pass anything."""
        value = self.eval(default, function.scope)  # type: ignore[arg-type]
        if isinstance(value, Const) and isinstance(value.value, (bool, int, float, str)):
            return Const(value.value, default_of=f"{function.node.name}()'s default {param}=")
        return UNKNOWN

    # Layers -------------------------------------------------------------------------------------

    def construct_keras_layer(
        self, name: str, args: list[Value], kwargs: dict[str, Value], expr: ast.Call
    ) -> Layer:
        fact = self.catalogue.get(name)
        if fact is None:  # a keras-hub embedding
            layer = Layer(name, None, expr)
            layer.producer = self.embedding_producer(kwargs, "keras-hub-embedding")
            return layer
        layer = Layer(name, fact, expr)  # the spelling the user wrote, e.g. Convolution1D
        if fact.family is Family.MASKING:
            value = args[0] if args else kwargs.get("mask_value", Const(MASKING_DEFAULT_VALUE))
            literal = isinstance(value, Const) and isinstance(value.value, (int, float))
            layer.producer = ProducerSpec(
                "masking",
                mask_value=float(value.value) if literal else None,  # type: ignore[union-attr, arg-type]
                mask_value_literal=literal,
            )
        elif fact.family is Family.EMBEDDING:
            layer.producer = self.embedding_producer(kwargs, "embedding")
        elif fact.family is Family.LAMBDA:
            mask = kwargs.get("mask")
            if mask is not None and not (isinstance(mask, Const) and mask.value is None):
                layer.producer = ProducerSpec("lambda")
        elif fact.family is Family.RNN:
            layer.return_sequences = self.literal_bool(kwargs.get("return_sequences", Const(False)))
        elif fact.family is Family.WRAPPER:
            inner = args[0] if args else kwargs.get("layer", UNKNOWN)
            layer.inner = (
                inner
                if isinstance(inner, Layer)
                else Layer("<layer>", None, expr, origin="foreign")
            )
            inner_producer = layer.inner.producer
            if name == "TimeDistributed" and inner_producer and inner_producer.kind == "masking":
                # Keras 3.15 attaches no mask here; Keras 2 did, and the author meant one.
                layer.producer = ProducerSpec(
                    "time-distributed-masking",
                    mask_value=inner_producer.mask_value,
                    mask_value_literal=inner_producer.mask_value_literal,
                )
        return layer

    def embedding_producer(self, kwargs: dict[str, Value], kind: str) -> ProducerSpec | None:
        value = kwargs.get("mask_zero", Const(False))
        mask_zero = self.literal_bool(value)
        if mask_zero is False:
            return None
        doubt = "" if mask_zero else "mask_zero is not a literal"
        assumes = ""
        if isinstance(value, Const) and value.default_of:
            assumes = f"with {value.default_of}{value.value!r}"
        return ProducerSpec(kind, doubt=doubt, assumes=assumes)

    @staticmethod
    def literal_bool(value: Value) -> bool | None:
        if (
            isinstance(value, Const)
            and isinstance(value.value, (bool, int))
            or (isinstance(value, Const) and value.value is None)
        ):
            return bool(value.value)  # type: ignore[union-attr]
        return None

    def construct_helper(
        self, name: str, args: list[Value], kwargs: dict[str, Value], expr: ast.Call
    ) -> Value:
        if name not in HELPER_MASK:
            return UNKNOWN  # apply_mask is a function, passed to Lambda, not called here
        layer = Layer(name, None, expr, origin="helper", helper_mask=HELPER_MASK[name])
        inner = args[0] if args else kwargs.get("layer")
        if isinstance(inner, Layer):
            layer.inner = inner
        return layer

    def construct_user_layer(
        self, cls: UserClass, args: list[Value], kwargs: dict[str, Value], expr: ast.Call
    ) -> Value:
        name = cls.node.name
        if name in HELPER_MASK and self.is_our_helper(cls.node):
            return self.construct_helper(name, args, kwargs, expr)
        kind, base = self.class_base(cls)
        if kind is None:
            return Layer(name, None, expr, origin="foreign")
        if kind is Kind.LAYER and base is not None:
            inherited = self.super_keywords(cls)
            layer = self.construct_keras_layer(base, args, {**inherited, **kwargs}, expr)
            if (
                layer.producer is not None
                and "mask_zero" in inherited
                and "mask_zero" not in kwargs
            ):
                layer.producer.set_in_class = name
            if layer.producer is None:
                layer.name, layer.origin = name, "user"
        else:
            layer = Layer(name, None, expr, origin="user")
        layer.user_supports_masking = self.class_flag(cls, self.sets_supports_masking)
        layer.user_compute_mask = self.class_flag(cls, self.defines_compute_mask)
        layer.user_ends_mask = self.class_flag(cls, self.ends_mask)
        if (
            layer.producer is None
            and kind in (Kind.LAYER, Kind.BASE_LAYER)
            and self.class_flag(cls, self.makes_own_mask)
        ):
            layer.producer = ProducerSpec("user-layer")
        elif layer.producer is None and kind is Kind.BASE_LAYER and not layer.user_compute_mask:
            layer.producer = self.mask_made_in_call(cls)
        return layer

    def mask_made_in_call(self, cls: UserClass) -> ProducerSpec | None:
        """A layer whose call returns what a producer inside it made (an encoder returning its
        Embedding's output): the tensor keeps that mask when the model runs (predict, fit), but
        a model being built does not see it (Keras 3). Reported for review: the mask exists, the
        fixes we prove need it when the model is built."""
        returned = self.run_class(cls)
        if not isinstance(returned, Tensor):
            return None
        inner = [trace.producer for trace in returned.traces if trace.certain]
        if not inner:
            return None
        made = " or ".join(dict.fromkeys(layer.name for layer in inner))
        return ProducerSpec(
            "user-layer",
            doubt=(
                f"{cls.node.name}'s call returns what its {made} makes, whose mask Keras keeps "
                "when the model runs (predict, fit) but not while it is built"
            ),
            at_run_time=True,
        )

    def super_keywords(self, cls: UserClass) -> dict[str, Value]:
        """Literal keywords a user subclass's __init__ passes up to the Keras layer it derives
        from (`super().__init__(vocab, dim, mask_zero=True)`): an Embedding subclass masks."""
        found = self.find_method(cls, "__init__")
        if found is None:
            return {}
        keywords: dict[str, Value] = {}
        for node in ast.walk(found[0]):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "__init__"
            ):
                continue
            for keyword in node.keywords:
                if keyword.arg is not None and isinstance(keyword.value, ast.Constant):
                    keywords[keyword.arg] = Const(keyword.value.value)
        return keywords

    def is_our_helper(self, node: ast.ClassDef) -> bool:
        """Whether a class the file defines is our pasted helper, not the user's own class of
        the same name (found once per file, when first asked)."""
        if self._our_helpers is None:
            self._our_helpers = {id(d) for d in names.our_definitions(self.tree, self.lines)}
        return id(node) in self._our_helpers

    def class_base(self, cls: UserClass, depth: int = 0) -> tuple[Kind | None, str | None]:
        """What Keras class `cls` derives from: (LAYER, "Conv1D"), (BASE_LAYER, None), ..."""
        for base in cls.bases:
            if isinstance(base, UserClass) and depth < 16:
                kind, name = self.class_base(base, depth + 1)
                if kind is not None:
                    return kind, name
            if isinstance(base, ModuleRef):
                resolved = names.classify(base.path, self.layer_names)
                if resolved.kind is Kind.LAYER:
                    return Kind.LAYER, resolved.name
                if resolved.kind in (Kind.BASE_LAYER, Kind.MODEL, Kind.SEQUENTIAL):
                    return resolved.kind, None
        return None, None

    def class_kind(self, cls: UserClass) -> Kind | None:
        return self.class_base(cls)[0]

    def class_flag(
        self, cls: UserClass, test: Callable[[ast.ClassDef], bool], depth: int = 0
    ) -> bool:
        key = (id(cls.node), test.__name__)
        if key not in self._class_flags:
            self._class_flags[key] = test(cls.node)
        if self._class_flags[key]:
            return True
        return depth < 16 and any(
            isinstance(b, UserClass) and self.class_flag(b, test, depth + 1) for b in cls.bases
        )

    @staticmethod
    def sets_supports_masking(node: ast.ClassDef) -> bool:
        for sub in walk_statements(node):
            if isinstance(sub, (ast.Assign, ast.AnnAssign)):
                targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                for target in targets:
                    name = (
                        target.attr
                        if isinstance(target, ast.Attribute)
                        else getattr(target, "id", "")
                    )
                    if name == "supports_masking":
                        return isinstance(sub.value, ast.Constant) and sub.value.value is True
        return False

    @staticmethod
    def ends_mask(node: ast.ClassDef) -> bool:
        """Its compute_mask returns None whatever it is given: the mask ends here, no warning."""
        for method in node.body:
            if isinstance(method, ast.FunctionDef) and method.name == "compute_mask":
                return all(
                    sub.value is None
                    or (isinstance(sub.value, ast.Constant) and sub.value.value is None)
                    for sub in walk_statements(method)
                    if isinstance(sub, ast.Return)
                )
        return False

    @staticmethod
    def makes_own_mask(node: ast.ClassDef) -> bool:
        """A mask producer the user wrote: its compute_mask returns a mask of its own (not None,
        not the mask it is given), or its call attaches one (`set_keras_mask`, `_keras_mask`)."""
        for method in node.body:
            if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if method.name == "compute_mask":
                params = [arg.arg for arg in method.args.args]
                given = params[2] if len(params) > 2 else "mask"
                for sub in walk_statements(method):
                    if not isinstance(sub, ast.Return) or sub.value is None:
                        continue
                    value = sub.value
                    if isinstance(value, ast.Constant) and value.value is None:
                        continue
                    if isinstance(value, ast.Name) and value.id == given:
                        continue
                    return True
            elif method.name == "call":
                for sub in ast.walk(method):
                    function = sub.func if isinstance(sub, ast.Call) else None
                    if (
                        isinstance(function, (ast.Name, ast.Attribute))
                        and (function.id if isinstance(function, ast.Name) else function.attr)
                        == "set_keras_mask"
                    ):
                        return True
                    targets = sub.targets if isinstance(sub, ast.Assign) else []
                    if any(
                        isinstance(t, ast.Attribute) and t.attr == "_keras_mask" for t in targets
                    ):
                        return True
        return False

    @staticmethod
    def defines_compute_mask(node: ast.ClassDef) -> bool:
        return any(
            isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
            and stmt.name == "compute_mask"
            for stmt in node.body
        )

    def apply(
        self, func: Value, inputs: list[Tensor], site: ast.AST, site_kind: str = "call"
    ) -> Tensor:
        """Call a layer or a model on tensors."""
        if isinstance(func, Layer):
            return self.graph.apply(func, inputs, site, site_kind)
        if isinstance(func, (SequentialModel, FunctionalModel)):
            # A nested model does not support masking and attaches no mask to its output (3.15).
            name = "Sequential" if isinstance(func, SequentialModel) else "Functional"
            return self.graph.apply(self.model_layer(func.node, name), inputs, site, site_kind)
        return Tensor()

    @staticmethod
    def model_layer(node: ast.AST, name: str) -> Layer:
        return Layer(name, None, node, origin="model")  # type: ignore[arg-type]

    def run_sequential(self, model: SequentialModel, tensor: Tensor, model_output: bool) -> Tensor:
        for item, site in list(model.items.items):
            tensor = self.apply_item(item, tensor, site)
        if model_output:
            self.graph.reaches_output(tensor)
        return tensor

    def apply_item(self, item: Value, tensor: Tensor, site: ast.AST) -> Tensor:
        if isinstance(item, Layer):
            return self.graph.apply(item, [tensor], site, "item")
        if isinstance(item, (SequentialModel, FunctionalModel)):
            return self.apply(item, [tensor], site, "item")
        if isinstance(item, Alt):
            result = Tensor()
            for option in item.options:
                out = self.apply_item(option, tensor, site)
                result = Tensor(result.origins | out.origins, result.traces | out.traces)
            return result
        if isinstance(item, Tensor):  # keras.Input(...) as the first item
            return tensor
        label = (
            item.foreign
            if isinstance(item, Unknown) and item.foreign
            else "a value the analysis cannot follow"
        )
        self.graph.opaque(label, tensor, site, "so the layers after it are unknown")
        return Tensor()


def _submodule(module: str, name: str) -> str:
    """`from module import name` as the dotted name of a submodule: `pkg.name`, `.name`."""
    return module + name if module.endswith(".") else f"{module}.{name}"
