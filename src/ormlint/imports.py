"""Which project modules can be loaded into one process together.

SQLAlchemy only sees the classes of the modules a process imports. Two
example scripts that never import each other may both map table `author` on
a library's shared base without conflict; two modules of one application
may not. A pair of modules is co-loaded when some module (or pytest, for
test files) imports both, directly or through other modules.
"""

from __future__ import annotations

import re
from typing import Optional

from ormlint.facts import ModuleFacts
from ormlint.module_aliases import module_named

_TEST_FILE = re.compile(r"(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$")


class ModuleLoads:
    """What importing a dotted name loads of the project: the project modules
    among its prefixes (importing a.b.c loads a, a.b and a.b.c), remembered per
    name (modules import the same names over and over)."""

    def __init__(self, modules: dict[str, ModuleFacts], aliases: Optional[dict[str, str]] = None) -> None:
        self.modules = modules
        # Other names modules are imported by (`ormlint.module_aliases`).
        self.aliases = aliases or {}
        # A name whose first part starts no project module loads nothing of the
        # project (nor does any name under it): most imports are of libraries.
        self.roots = frozenset(name.partition(".")[0] for name in [*modules, *self.aliases])
        self.loaded: dict[str, tuple[str, ...]] = {}

    def module_named(self, name: str) -> str:
        return module_named(name, self.modules, self.aliases)

    def of(self, dotted: str) -> tuple[str, ...]:
        loaded = self.loaded.get(dotted)
        if loaded is None:
            parts = dotted.split(".")
            if parts[0] not in self.roots:
                loaded = ()
            else:
                prefixes = (self.module_named(".".join(parts[:end])) for end in range(1, len(parts) + 1))
                loaded = tuple(name for name in prefixes if name in self.modules)
            self.loaded[dotted] = loaded
        return loaded


def _imported_modules(facts: ModuleFacts, loads: ModuleLoads) -> set[str]:
    """Project modules that importing `facts` loads."""
    found: set[str] = set()
    for source in facts.star_imports:
        found.update(loads.of(source))
    roots, modules = loads.roots, loads.modules
    for _, source, attribute, _, dotted in facts.imports:
        loaded = loads.of(dotted or source)
        if loaded:
            found.update(loaded)
        # `from a.b import c` also loads the module a.b.c, if there is one (its
        # other prefixes are a.b's): never when a is a library.
        if attribute is not None and (loaded or source.partition(".")[0] in roots):
            submodule = loads.module_named(f"{source}.{attribute}")
            if submodule in modules:
                found.add(submodule)
    return found


class ImportGraph:
    def __init__(self, modules: dict[str, ModuleFacts], aliases: Optional[dict[str, str]] = None) -> None:
        self.names = sorted(modules)
        self.position = {name: i for i, name in enumerate(self.names)}
        loads = ModuleLoads(modules, aliases)
        self.edges: list[list[int]] = [
            [self.position[m] for m in _imported_modules(modules[name], loads) if m != name]
            for name in self.names
        ]
        self.tests = 0
        for name in self.names:
            if _TEST_FILE.search(modules[name].path.replace("\\", "/")):
                self.tests |= 1 << self.position[name]
        self._reached_by = self._compute_reached_by()

    def _compute_reached_by(self) -> list[int]:
        """For each module, the bitset of modules from which it is reachable (itself included)."""
        count = len(self.names)
        reverse: list[list[int]] = [[] for _ in range(count)]
        for source, targets in enumerate(self.edges):
            for target in targets:
                reverse[target].append(source)
        result = [0] * count
        # Iterative propagation to a fixed point over strongly connected parts:
        # cheap on real import graphs, which are shallow.
        order = _topological_order(count, self.edges)
        for node in order:
            bits = 1 << node
            for parent in reverse[node]:
                bits |= result[parent] if result[parent] else (1 << parent)
            result[node] = bits
        changed = True
        while changed:
            changed = False
            for node in order:
                bits = result[node]
                for parent in reverse[node]:
                    bits |= result[parent]
                if bits != result[node]:
                    result[node] = bits
                    changed = True
        return result

    def coloaded(self, first: str, second: str) -> bool:
        if first == second:
            return True
        a, b = self.position.get(first), self.position.get(second)
        if a is None or b is None:
            return True  # unknown: assume they may meet
        reached_a, reached_b = self._reached_by[a], self._reached_by[b]
        if reached_a & reached_b:
            return True
        # pytest imports every test module of a run into one process.
        return bool(reached_a & self.tests) and bool(reached_b & self.tests)


def _topological_order(count: int, edges: list[list[int]]) -> list[int]:
    """Importers before the modules they import (cycles broken arbitrarily)."""
    indegree = [0] * count
    for targets in edges:
        for target in targets:
            indegree[target] += 1
    ready = [node for node in range(count) if indegree[node] == 0]
    order: list[int] = []
    seen = [False] * count
    while ready:
        node = ready.pop()
        if seen[node]:
            continue
        seen[node] = True
        order.append(node)
        for target in edges[node]:
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    order.extend(node for node in range(count) if not seen[node])
    return order
