#!/usr/bin/env python3
"""Fails when the top-level modules of a crate import each other in a loop.

For each crate's `src/` folder, every `crate::<module>` path (in `use` trees, nested braces
included, and inline) is an edge from the top-level module of the file it appears in to
`<module>`. Strongly connected components of more than one module are loops: they are
printed, with one file for each edge, and the exit status is 1.

    scripts/check-module-cycles.py [CRATE_SRC_DIR ...]   (default: every crate's src/)
"""
import os
import re
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def crate_sources():
    """Every `src/` folder next to a Cargo.toml in the workspace (fuzz/ and the UI's wasm
    entry included), skipping build output and installed packages."""
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in ("target", "node_modules", ".git")]
        if "Cargo.toml" in files and os.path.isdir(os.path.join(folder, "src")):
            yield os.path.join(folder, "src")


# Comments, raw strings, strings and char literals, left to right, so that none is read inside
# another (a `"` in a comment, `//` in a string, `r"` at the end of a word).
LEXEMES = re.compile(
    r"""//[^\n]*|/\*.*?\*/|(?<![\w])b?r(#*)".*?"\1|b?"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])'""",
    re.S,
)


def strip_comments_and_strings(text):
    return LEXEMES.sub(lambda m: '""' if m.group(0).endswith(('"', "#")) else " ", text)


def use_tree_heads(tree):
    """The first segment of every path in a `use` tree's braces: `{a::b, c::{d, e}, f}`."""
    heads, depth, token = [], 0, ""
    start_of_item = True
    for ch in tree:
        if ch == "{":
            depth += 1
            if depth == 1:
                start_of_item = True
                token = ""
                continue
        elif ch == "}":
            depth -= 1
        if depth == 1:
            if ch == ",":
                start_of_item, token = True, ""
                continue
            if start_of_item:
                if ch.isalnum() or ch == "_":
                    token += ch
                elif token:
                    heads.append(token)
                    start_of_item = False
        elif depth == 0 and token and start_of_item:
            heads.append(token)
            start_of_item = False
    return heads


def edges_of(src):
    modules = {
        name[:-3] if name.endswith(".rs") else name
        for name in os.listdir(src)
        if name.endswith(".rs") or os.path.isdir(os.path.join(src, name))
    } - {"lib", "main", "bin"}
    edges = defaultdict(dict)
    for folder, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(folder, name)
            first = os.path.relpath(path, src).split(os.sep)[0]
            module = first[:-3] if first.endswith(".rs") else first
            if module not in modules:
                continue
            text = strip_comments_and_strings(open(path, encoding="utf-8").read())
            targets = []
            for match in re.finditer(r"\bcrate::(\{)", text):
                depth, end = 0, match.start(1)
                for end in range(match.start(1), len(text)):
                    depth += {"{": 1, "}": -1}.get(text[end], 0)
                    if depth == 0:
                        break
                targets += use_tree_heads(text[match.start(1) : end + 1])
            targets += re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", text)
            for target in targets:
                if target in modules and target != module:
                    edges[module].setdefault(target, os.path.relpath(path, ROOT))
    return edges


def loops(edges):
    """Tarjan's strongly connected components with more than one module."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, {})):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(set(edges) | {t for e in edges.values() for t in e}):
        if node not in index:
            visit(node)
    return found


def main():
    sources = sys.argv[1:] or sorted(crate_sources())
    failed = False
    for src in sources:
        edges = edges_of(src)
        for component in loops(edges):
            failed = True
            print(f"{os.path.relpath(src, ROOT)}: modules import each other in a loop: {component}")
            for module in component:
                for target, path in sorted(edges[module].items()):
                    if target in component:
                        print(f"  {module} -> {target}  ({path})")
    if not failed:
        print(f"no import loops between top-level modules in {len(sources)} crates")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
