"""arXiv `search_query` parsing and matching for the fake arXiv server (ti:, au:, abs:, AND...)."""

from __future__ import annotations

import re
from typing import Any

from tests.servers.crossref_search import normalize

Tree = tuple[Any, ...]  # ("term", field, text) | (op, left, right) with op AND/OR/ANDNOT

_TOKEN = re.compile(r'\s*(\(|\)|"[^"]*"|[a-z]+:"[^"]*"|[^\s()]+)')
FIELDS = ("ti", "au", "abs", "co", "jr", "cat", "rn", "id", "all")


def _tokens(text: str) -> list[str] | None:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            return None
        out.append(m.group(1))
        pos = m.end()
    return out


def parse_query(text: str) -> Tree | None:
    """The query as a tree, or None when it is malformed (unbalanced, unknown field)."""
    tokens = _tokens(text)
    if not tokens:
        return None
    try:
        tree, rest = _expr(tokens)
    except (IndexError, ValueError):
        return None
    return tree if not rest else None


def _expr(tokens: list[str]) -> tuple[Tree, list[str]]:
    left, rest = _term(tokens)
    while rest and rest[0] != ")":
        op = rest[0] if rest[0] in ("AND", "OR", "ANDNOT") else "AND"
        right, rest = _term(rest[1:] if op == rest[0] else rest)
        left = (op, left, right)
    return left, rest


def _term(tokens: list[str]) -> tuple[Tree, list[str]]:
    head, rest = tokens[0], tokens[1:]
    if head == "(":
        tree, rest = _expr(rest)
        if not rest or rest[0] != ")":
            raise ValueError("unbalanced parentheses")
        return tree, rest[1:]
    if head in (")", "AND", "OR", "ANDNOT"):
        raise ValueError(f"unexpected {head}")
    field, sep, value = head.partition(":")
    if not sep:
        field, value = "all", head
    if field not in FIELDS:
        raise ValueError(f"unknown field {field}")
    # an unquoted value may continue with bare words until an operator: ti:GPTQ Accurate
    words = [value.strip('"')]
    while rest and rest[0] not in ("(", ")", "AND", "OR", "ANDNOT") and ":" not in rest[0]:
        words.append(rest[0].strip('"'))
        rest = rest[1:]
    return ("term", field, " ".join(words).replace("_", " ")), rest


def _text_of(field: str, entry: dict[str, Any]) -> list[str]:
    if field == "ti":
        return [entry["title"]]
    if field == "au":
        return list(entry["authors"])
    if field == "abs":
        return [entry["summary"]]
    if field == "co":
        return [entry.get("comment", "")]
    if field == "jr":
        return [entry.get("journal_ref", "")]
    if field == "cat":
        return list(entry.get("categories") or [entry["primary_category"]])
    if field == "id":
        return [entry["id"]]
    return [entry["title"], entry["summary"], *entry["authors"], entry.get("comment", "")]


def _leaf(field: str, value: str, entry: dict[str, Any]) -> bool:
    if field == "cat":
        return value in _text_of(field, entry)
    want = normalize(value)
    if not want:
        return False
    for text in _text_of(field, entry):
        have = normalize(text)
        if field == "au":
            if set(want.split()) <= set(have.split()):
                return True
        elif f" {want} " in f" {have} ":
            return True
    return False


def matches(tree: Tree, entry: dict[str, Any]) -> bool:
    if tree[0] == "term":
        return _leaf(tree[1], tree[2], entry)
    op, left, right = tree
    if op == "AND":
        return matches(left, entry) and matches(right, entry)
    if op == "OR":
        return matches(left, entry) or matches(right, entry)
    return matches(left, entry) and not matches(right, entry)


def score(tree: Tree, entry: dict[str, Any]) -> int:
    """How many leaf terms the entry matches (relevance order for plain searches)."""
    if tree[0] == "term":
        return int(_leaf(tree[1], tree[2], entry))
    return score(tree[1], entry) + score(tree[2], entry)
