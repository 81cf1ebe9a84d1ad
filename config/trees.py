"""Walking up a tree stored as parent ids (categories, locations): one query, finite on bad rows."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

Node = TypeVar("Node", bound=Hashable)


def walk_up(
    parents: Mapping[Node, Node | None], start: Node | None, *, max_depth: int
) -> tuple[list[Node], bool]:
    """``start`` and each parent up to the root, and whether the walk stopped early.

    ``parents`` maps every node to its parent (``None`` at a root), as loaded by one query. The
    walk stops early (``True``) at a node it has already passed, which means the stored rows
    loop, or after ``max_depth`` nodes; a node missing from ``parents`` ends it like a root.
    """
    chain: list[Node] = []
    seen: set[Node] = set()
    node = start
    while node is not None and node in parents:
        if node in seen or len(chain) >= max_depth:
            return chain, True
        seen.add(node)
        chain.append(node)
        node = parents[node]
    return chain, False
