"""Hatch's metadata hook (pyproject.toml, [tool.hatch.metadata.hooks.custom]): README.md is the package's
long description, with its relative links made absolute.

On PyPI the README is read away from the repository, where `docs/ex1-network.svg` leads nowhere: each
relative link is pointed at the repository at the release's tag (`v0.1.0`), a picture at its raw file
so that it shows, any other file at its page. A link with a scheme (`https:`, `mailto:`) is kept, so is a
link to a heading (`#set-up`: PyPI gives headings the same anchors), and so is code (fenced blocks and
`spans`). README.md itself keeps its relative links, right on GitHub and in a clone. tests/test_release.py
renders the description as PyPI does and checks that every link leads somewhere."""

from __future__ import annotations

import re

from hatchling.metadata.plugin.interface import MetadataHookInterface

README = "README.md"
PICTURE = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")
# Code, copied as it is: a fenced block (to its closing fence, or the end), or a `span` (within a paragraph).
CODE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,}).*?(?:^ {0,3}(?P=fence)[^\n]*$|\Z)"
                  r"|(?P<ticks>`+)(?!`)(?:(?!\n[ \t]*\n).)*?(?<!`)(?P=ticks)(?!`)", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"(?P<before>!?\[[^\]\n]*\]\(\s*)(?P<target>[^)\s]+)"  # [text](target), ![alt](target)
                  r"|(?P<reference>^ {0,3}\[[^\]\n]+\]:[ \t]*)(?P<defined>\S+)"  # [label]: target
                  r"|(?P<attribute>\b(?:src|href)=\")(?P<html>[^\"]+)", re.MULTILINE)  # <img src="target">
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


class ReadmeHook(MetadataHookInterface):
    def update(self, metadata: dict) -> None:
        with open(f"{self.root}/{README}", encoding="utf-8") as file:
            text = file.read()
        metadata["readme"] = {"content-type": "text/markdown",
                              "text": absolute_links(text, metadata["urls"]["Repository"], f"v{metadata['version']}")}


def absolute_links(markdown: str, repository: str, tag: str) -> str:
    """The Markdown with each relative link's target made a URL into ``repository`` (a GitHub https URL)
    at ``tag``: a picture's raw file, any other file's page (``blob/TAG/PATH``). A URL and an ``#anchor``
    are kept, and code is left as it is."""
    raw = repository.replace("https://github.com/", "https://raw.githubusercontent.com/", 1)

    def url(target: str) -> str:
        if SCHEME.match(target) or target.startswith("#"):
            return target
        path = re.sub(r"^(\./)+", "", target)
        picture = path.split("#", 1)[0].split("?", 1)[0].lower().endswith(PICTURE)
        return f"{raw}/{tag}/{path}" if picture else f"{repository}/blob/{tag}/{path}"

    def link(match: re.Match) -> str:
        before = match["before"] or match["reference"] or match["attribute"]
        return before + url(match["target"] or match["defined"] or match["html"])

    pieces, position = [], 0
    for code in CODE.finditer(markdown):
        pieces += [LINK.sub(link, markdown[position:code.start()]), code.group(0)]
        position = code.end()
    return "".join(pieces) + LINK.sub(link, markdown[position:])
