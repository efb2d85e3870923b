"""Does one signature fire on a paste? Where, and how it was found.

Every pattern runs on RE2 (:mod:`troubleshoot.rx`): linear in the paste. A message is
looked for where the parser put it (an exception record, a log event) and, since
users paste every log format there is, anywhere inside a line: ``log`` patterns with
their ``^``/``$`` anchors relaxed, ``exception`` signatures in ``Type: message``
mentions inside lines, and an exception's specific message even without its type
(users paste the message alone, or the issue title). A hit found that way is
``bare`` and counts for less.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

from troubleshoot import rx
from troubleshoot.pasteview import PasteView
from troubleshoot.schema import Signature
from troubleshoot.sigkeys import literal_sets, word_sets

How = Literal["record", "line", "bare"]
# Literal characters an exception message needs before it identifies anything alone.
SPECIFIC_CHARS = 18
# Occurrences of a guarded pattern tried before giving up (a bound on the work).
MAX_TRIES = 200


@dataclass(frozen=True)
class Hit:
    signature: Signature
    line_no: int  # 1-based line of the paste, 0 when the signature spans the text
    excerpt: str
    how: How = "record"

    def describe(self) -> str:
        where = f"line {self.line_no}" if self.line_no else "paste"
        found = {"record": "", "line": " (inside a line)", "bare": " (the message alone)"}
        return (
            f"{self.signature.kind} signature {self.signature.id!r} matched {where}"
            f"{found[self.how]}: {self.excerpt}"
        )


def clip(text: str, width: int = 160) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


def _split_alternatives(pattern: str) -> list[str]:
    """Top-level ``a|b`` alternatives of a pattern, as source text."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


@functools.cache  # one entry per KB pattern: bounded by the KB
def anywhere(pattern: str) -> str:
    """``pattern`` with its line anchors relaxed, to find the message inside a line."""
    relaxed = []
    for alt in _split_alternatives(pattern):
        body = alt[1:] if alt.startswith("^") else alt
        if body.endswith("$") and not body.endswith("\\$"):
            body = body[:-1]
            if body.endswith(("\\s*", "[ \\t]*")):
                body = body[: body.rindex("\\s*" if body.endswith("\\s*") else "[")]
        relaxed.append(body)
    return "|".join(f"(?:{alt})" for alt in relaxed) if len(relaxed) > 1 else relaxed[0]


@functools.cache  # one entry per KB pattern: bounded by the KB
def specific(pattern: str) -> bool:
    """Does every match of ``pattern`` hold enough literal text to stand alone?"""
    sets = literal_sets(pattern)
    if not sets:
        return False
    return all(
        sum(min(len(piece) for piece in clause) for clause in alt) >= SPECIFIC_CHARS for alt in sets
    )


@functools.cache  # one entry per KB pattern: bounded by the KB
def _needed_words(pattern: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(ws) for ws in word_sets(pattern))


@functools.cache  # one entry per KB pattern: bounded by the KB
def _needed_literals(pattern: str) -> tuple[bool, tuple[tuple[tuple[str, ...], ...], ...]]:
    fold = pattern.startswith("(?i)")
    sets = literal_sets(pattern)
    if fold:
        sets = tuple(tuple(tuple(p.lower() for p in clause) for clause in alt) for alt in sets)
    return fold, sets


def may_match(pattern: str, view: PasteView) -> bool:
    """False when the paste lacks the words or literals every match contains: then
    the regex need not run at all."""
    needed = _needed_words(pattern)
    if needed and not any(ws <= view.words for ws in needed):
        return False
    fold, literals = _needed_literals(pattern)
    haystack = view.folded_text if fold else view.parsed.text
    return not literals or any(
        all(any(piece in haystack for piece in clause) for clause in alt) for alt in literals
    )


def _guards_pass(sig: Signature, text: str, start: int, end: int, groups: str | None) -> bool:
    """The guards of ``sig`` for a match of ``text[start:end]``."""
    if sig.unless and rx.compile(sig.unless, multiline=True).search(text[start:end]):
        return False
    if sig.unless_before and rx.compile(sig.unless_before, multiline=True).search(text[:start]):
        return False
    if sig.with_text and not rx.compile(sig.with_text, multiline=True).search(text):
        return False
    if sig.followed_by:
        follow = sig.followed_by.replace("{1}", rx.escape(groups or ""))
        if not rx.compile(follow, multiline=True).search(text[end:]):
            return False
    return True


def _first_group(found: rx.Match) -> str | None:
    try:
        return found.group(1)
    except IndexError:
        return None


def search(sig: Signature, pattern: str, text: str) -> tuple[int, int] | None:
    """(start, end) of the first match of ``pattern`` in ``text`` that passes the
    signature's guards (and repeats ``min_repeats`` times with the same group 1)."""
    compiled = rx.compile(pattern, multiline=True)
    guarded = sig.unless or sig.unless_before or sig.with_text or sig.followed_by
    if not guarded and sig.min_repeats <= 1:
        found = compiled.search(text)
        return (found.start(), found.end()) if found else None
    seen: dict[str | None, list[int]] = {}
    pos = 0
    for _ in range(MAX_TRIES):
        found = compiled.search(text, pos)
        if found is None:
            return None
        group = _first_group(found)
        starts = seen.setdefault(group, [])
        starts.append(found.start())
        if len(starts) >= sig.min_repeats:
            first = starts[-sig.min_repeats]
            if _guards_pass(sig, text, first, found.end(), group):
                return first, found.end()
        pos = max(found.end(), found.start() + 1)
    return None


def _fire_exception(sig: Signature, view: PasteView) -> Hit | None:
    assert sig.exc_type
    type_rx = rx.compile(rf"(?:^|\.)(?:{sig.exc_type})$")
    msg = sig.message
    text = view.parsed.text
    for exc in view.parsed.exceptions:
        if exc.type and type_rx.search(exc.type) and _message_ok(sig, exc.message, text):
            return Hit(sig, exc.line_no, clip(f"{exc.type}: {exc.message}"))
    for mention in view.mentions:
        if type_rx.search(mention.type) and _message_ok(sig, mention.message, text):
            return Hit(sig, mention.line_no, clip(f"{mention.type}: {mention.message}"), "line")
    if msg and specific(msg) and may_match(msg, view):
        found = search(sig, anywhere(msg), view.distinct_text)
        if found:
            excerpt = view.distinct_text[found[0] : found[1]]
            return Hit(sig, view.line_no_at(found[0]), clip(excerpt), "bare")
    return None


def _message_ok(sig: Signature, message: str, text: str) -> bool:
    if sig.message is None:
        ok = True
    else:
        compiled = rx.compile(sig.message, multiline=True)
        ok = compiled.search(message) is not None
        if not ok and "\n" in message:
            # a terminal wraps a long line at its width: the message, unwrapped
            ok = compiled.search(message.replace("\n", "")) is not None
    if ok and sig.unless and rx.compile(sig.unless, multiline=True).search(message):
        return False
    if ok and sig.with_text and not rx.compile(sig.with_text, multiline=True).search(text):
        return False
    return ok


def _fire_lines(sig: Signature, pattern: str, view: PasteView, how: How) -> Hit | None:
    if not may_match(pattern, view):
        return None
    whole = sig.unless_before or sig.followed_by or sig.min_repeats > 1
    if whole or not _line_local(pattern):
        text = view.parsed.text
        found = search(sig, pattern, text)
        if found is None:
            return None
        line_no = text.count("\n", 0, found[0]) + 1
        return Hit(sig, line_no, clip(text[found[0] : found[1]]), how)
    found = search(sig, pattern, view.distinct_text)
    if found is None:
        return None
    excerpt = view.distinct_text[found[0] : found[1]]
    return Hit(sig, view.line_no_at(found[0]), clip(excerpt), how)


def _fire_frame(sig: Signature, view: PasteView) -> Hit | None:
    assert sig.module
    mod_rx = rx.compile(sig.module)
    fn_rx = rx.compile(f"^(?:{sig.function})$") if sig.function else None
    for exc in view.parsed.exceptions:
        for frame in exc.frames:
            target = frame.module or frame.file
            if mod_rx.search(target) and (fn_rx is None or fn_rx.search(frame.function)):
                return Hit(sig, exc.line_no, clip(f"frame {target} in {frame.function}"))
    return None


def fire(sig: Signature, view: PasteView) -> Hit | None:
    """The first place ``sig`` matches the paste, or None."""
    if sig.kind == "exception" and sig.exc_type:
        return _fire_exception(sig, view)
    if sig.kind == "log" and sig.pattern:
        return _fire_lines(sig, anywhere(sig.pattern), view, "record")
    if sig.kind == "text" and sig.pattern:
        return _fire_lines(sig, sig.pattern, view, "record")
    if sig.kind == "frame" and sig.module:
        return _fire_frame(sig, view)
    return None


_CROSSES = ("\\s", "\\S", "\\W", "\\D", "\\n", "\\z", "\\A", "(?s", "[^")


@functools.cache  # one entry per KB pattern: bounded by the KB
def _line_local(pattern: str) -> bool:
    """Can every match of ``pattern`` only span one line? (Conservative: no.)"""
    import re

    stripped = re.sub(r"\[\^((?:\\.|[^\]\\])*\\n(?:\\.|[^\]\\])*)\]", "", pattern)
    return not any(token in stripped for token in _CROSSES)
