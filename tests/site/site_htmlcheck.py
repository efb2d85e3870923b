"""A small html.parser-based model of an exported page, for the structural tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "area", "base", "col"}
_IGNORED = re.compile(r"[\x00-\x20\x7f]")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Page:
    path: Path
    elements: list[Element] = field(default_factory=list)
    lang: str | None = None
    scripts: list[tuple[dict[str, str], str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def find(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    @property
    def ids(self) -> list[str]:
        return [e.attrs["id"] for e in self.elements if "id" in e.attrs]

    @property
    def headings(self) -> list[int]:
        return [int(e.tag[1]) for e in self.elements if re.fullmatch(r"h[1-6]", e.tag)]


class _Parser(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.stack: list[str] = []
        self.script: tuple[dict[str, str], list[str]] | None = None
        self.text_target: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        element = Element(tag, values)
        self.page.elements.append(element)
        if tag == "html":
            self.page.lang = values.get("lang")
        if tag == "script":
            self.script = (values, [])
        if tag not in VOID:
            self.stack.append(tag)
            self.text_target.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.page.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()
        self.text_target.pop()
        if tag == "script" and self.script is not None:
            self.page.scripts.append((self.script[0], "".join(self.script[1])))
            self.script = None

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script[1].append(data)
        for element in self.text_target:
            element.text += data


def parse(path: Path) -> Page:
    page = Page(path)
    parser = _Parser(page)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    if parser.stack:
        page.errors.append(f"unclosed elements at end: {parser.stack}")
    return page


def scheme(url: str) -> str | None:
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", _IGNORED.sub("", url).lower())
    return match.group(1) if match else None


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))
