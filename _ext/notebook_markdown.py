"""MyST Markdown to the Markdown that stock Jupyter renders, for the
downloadable notebooks.

The chapters' markdown cells are MyST: roles (``{eq}`label```,
``{glue:text}`key:.2f```, ``{cite:p}`key```), directives (```` ```{math} ````,
```` ```{exercise-start} ````, ``::::{dropdown}``), targets (``(label)=``) and
comments (``% ...``). JupyterLab, VS Code and Colab render CommonMark with
``$…$``/``$$…$$`` math and some HTML, nothing more. This module rewrites one
markdown cell into that subset; what only the build knows — glue values,
equation and exercise numbers, link targets, citation labels, included files —
comes from a :class:`Resolver` (the Sphinx side lives in
``notebook_downloads.py``).

* roles become text: ``{eq}`` → ``[(2.1)](…#equation-label)``,
  ``{doc}``/``{ref}``/``{numref}`` and the ``py`` roles → links, ``{cite:p}`` →
  ``(Author, Year)``, ``{glue:text}`` → the value as built, ``{math}`` →
  ``$…$``;
* ``{math}`` directives and labelled ``$$…$$ (label)`` become ``$$ … \\tag{2.1}
  $$``;
* admonitions become block quotes with a bold title, dropdowns ``<details>``;
* exercises become "**Exercise 2.1**", solutions "Solution to Exercise 2.1"
  (folded in ``<details>`` when the whole solution is in one cell),
  ``literalinclude`` a code block;
* targets and comments are dropped; code blocks and math are left as they are.

An unknown role or directive is reported through :meth:`Resolver.warn` and left
out, so that a strict build fails instead of shipping raw MyST.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

ADMONITIONS = {
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
}
XREF_ROLES = {"doc", "ref", "numref", "eq", "term"} | {
    f"{prefix}{kind}"
    for prefix in ("", "py:")
    for kind in ("func", "class", "mod", "data", "meth", "attr", "obj", "exc")
}
CITE_ROLES = {
    "cite",
    "cite:p",
    "cite:t",
    "cite:ps",
    "cite:ts",
    "cite:ct",
    "cite:cp",
    "cite:author",
    "cite:year",
}
LITERAL_ROLES = {
    "kbd",
    "samp",
    "file",
    "command",
    "program",
    "guilabel",
    "menuselection",
    "code",
}
GLUE_ROLES = {"glue", "glue:", "glue:any", "glue:text", "glue:md"}

_OPEN = re.compile(
    r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$"
)
_DIRECTIVE_INFO = re.compile(
    r"^\{(?P<name>[A-Za-z][\w:.+-]*)\}\s*(?P<argument>.*)$"
)
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
# A role, or an inline code span (verbatim, even if it quotes a role), scanned
# left to right.
_ROLE_OR_CODE = re.compile(
    r"\{(?P<role>[A-Za-z][\w:+.-]*)\}`(?P<content>[^`]*)`|(?<!`)(?P<ticks>`+)(?!`).*?(?<!`)(?P=ticks)(?!`)"
)
_TARGET = re.compile(r"^\s*\((?P<label>[^()\s]+)\)=\s*$")
_COMMENT = re.compile(r"^\s*%")
_DISPLAY_MATH = re.compile(
    r"\$\$(?P<body>.+?)\$\$(?:[ \t]*\((?P<label>[^()\s]+)\))?", re.S
)
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
# Left in the output only if something was not converted: what the tests look
# for.
LEFTOVER = re.compile(
    r"\{[A-Za-z][\w:+.-]*\}`|^\s*(?:`{3,}|~{3,}|:{3,})\s*\{[A-Za-z][\w:+.-]*\}|^\s*\([^()\s]+\)=\s*$",
    re.M,
)

_SOLUTION_START, _SOLUTION_END = (
    "\x00solution-start:{}\x00",
    "\x00solution-end\x00",
)


class Resolver(Protocol):
    """What the build knows and a markdown cell does not."""

    def glue(self, key: str, spec: str, markdown: bool) -> str:
        """The glued value ``key`` as text, formatted with ``spec`` (as
        ``{glue:text}`` does), or its Markdown if ``markdown``
        (``{glue:md}``)."""

    def xref(self, role: str, target: str, text: str | None) -> str:
        """A Markdown link (or text) for a cross-reference role, with the
        explicit ``text`` if given."""

    def number(self, label: str) -> str:
        """The number an equation, exercise or figure carries on the website
        ("2.1"), or ""."""

    def cite(self, role: str, keys: list[str]) -> str:
        """A citation as the website writes it, e.g. "(Ioffe and Szegedy,
        2015)", with links."""

    def include(self, path: str) -> str:
        """The text of a file a ``literalinclude`` names (relative to the
        chapter)."""

    def warn(self, message: str) -> None:
        """Report something that could not be converted."""


@dataclass
class Directive:
    """A MyST directive block: ```` ```{name} argument ````, options,
    content."""

    name: str
    argument: str
    options: dict[str, str] = field(default_factory=dict)
    content: str = ""


def convert(markdown: str, resolver: Resolver) -> str:
    """One markdown cell in MyST, as Markdown that stock Jupyter renders."""
    text = "\n".join(_convert_lines(markdown.splitlines(), resolver))
    return _close_solutions(text).strip("\n") + (
        "\n" if markdown.endswith("\n") else ""
    )


def leftovers(markdown: str) -> list[str]:
    """The MyST roles, directives and targets still present in ``markdown``
    (none, once converted)."""
    return [
        match.group(0).strip()
        for match in LEFTOVER.finditer(_without_code(markdown))
    ]


def _without_code(markdown: str) -> str:
    """``markdown`` without code blocks and inline code, which may quote MyST
    verbatim."""
    lines, kept, directives, index = markdown.splitlines(), [], [], 0
    while index < len(lines):
        line, opening = lines[index], _OPEN.match(lines[index])
        stripped = line.strip()
        if (
            directives
            and stripped
            and set(stripped) == {directives[-1][0]}
            and len(stripped) >= len(directives[-1])
        ):
            directives.pop()  # the fence that closes the innermost directive
        elif opening and _DIRECTIVE_INFO.match(opening.group("info").strip()):
            directives.append(opening.group("fence"))
            kept.append(line)
        elif opening and opening.group("fence")[0] in "`~":
            # skip the code block
            index = _closing(lines, index, opening.group("fence"))
        else:
            kept.append(
                _ROLE_OR_CODE.sub(
                    lambda m: m.group(0) if m.group("role") else "", line
                )
            )
        index += 1
    return "\n".join(kept)


def _convert_lines(lines: list[str], resolver: Resolver) -> Iterator[str]:
    index, prose = 0, []
    while index < len(lines):
        opening = _OPEN.match(lines[index])
        if not opening:
            prose.append(lines[index])
            index += 1
            continue
        fence, info = opening.group("fence"), opening.group("info").strip()
        end = _closing(lines, index, fence)
        block = lines[index + 1 : end]
        directive = _DIRECTIVE_INFO.match(info)
        yield from _convert_prose(prose, resolver)
        prose = []
        if directive:
            parsed = _parse(
                directive.group("name"), directive.group("argument"), block
            )
            yield from _convert_directive(parsed, resolver, fence)
        # a plain code block (or a ::: fence without a directive): verbatim
        else:
            yield from lines[index : end + 1]
        index = end + 1
    yield from _convert_prose(prose, resolver)


def _closing(lines: list[str], start: int, fence: str) -> int:
    """The index of the line closing the fence opened at ``start`` (CommonMark:
    the first line made only of the same character, at least as long), or the
    last line if none does."""
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if (
            stripped
            and set(stripped) == {fence[0]}
            and len(stripped) >= len(fence)
        ):
            return index
    return len(lines)


def _parse(name: str, argument: str, block: list[str]) -> Directive:
    options, body = {}, list(block)
    if body and body[0].strip() == "---":  # YAML options block
        end = next(
            (i for i in range(1, len(body)) if body[i].strip() == "---"), 0
        )
        for line in body[1:end]:
            key, _, value = line.partition(":")
            options[key.strip()] = value.strip()
        body = body[end + 1 :]
    else:
        while body and (option := _OPTION.match(body[0])):
            options[option.group("key")] = option.group("value")
            body = body[1:]
    return Directive(
        name, argument.strip(), options, "\n".join(body).strip("\n")
    )


def _convert_directive(
    d: Directive, resolver: Resolver, fence: str
) -> Iterator[str]:
    name = d.name
    if name == "math":
        yield from _display_math(
            d.content, d.options.get("label", ""), resolver
        ).splitlines()
    elif name in ("code-block", "code", "sourcecode"):
        yield f"```{d.argument}"
        yield from d.content.splitlines()
        yield "```"
    elif name == "literalinclude":
        text = _select_lines(
            resolver.include(d.argument), d.options.get("lines", "")
        )
        yield f"```{d.options.get('language', '')}"
        yield from text.splitlines()
        yield "```"
    elif name in ADMONITIONS or name == "admonition":
        title = d.argument if name == "admonition" else ADMONITIONS[name]
        body = convert(d.content, resolver)
        if "dropdown" in d.options.get("class", ""):
            yield from _details(title, body)
        else:
            yield from _quote(
                f"**{title}**" + ("\n\n" + body if body.strip() else "")
            )
    elif name == "dropdown":
        yield from _details(
            d.argument or "Details", convert(d.content, resolver)
        )
    elif name in ("exercise", "exercise-start"):
        yield _exercise_heading(d, resolver)
        yield ""
        if d.content.strip():
            yield from convert(d.content, resolver).splitlines()
    elif name in ("solution", "solution-start"):
        title = _solution_title(d.argument, resolver)
        if name == "solution":
            yield from _details(title, convert(d.content, resolver))
        else:
            yield _SOLUTION_START.format(title)
            if d.content.strip():
                yield from convert(d.content, resolver).splitlines()
    elif name == "solution-end":
        yield _SOLUTION_END
    elif name == "exercise-end":
        yield ""
    elif name == "figure":
        yield from _figure(d, resolver)
    elif name in ("image",):
        target = resolver.xref("image", d.argument, None)
        yield f"![{d.options.get('alt', '')}]({target})"
    elif name in ("glue", "glue:", "glue:any", "glue:md", "glue:text"):
        yield resolver.glue(d.argument, "", markdown=name != "glue:text")
    else:
        resolver.warn(
            f"directive {{{name}}} has no plain-Markdown form; left out of the"
            " notebook"
        )


def _exercise_heading(d: Directive, resolver: Resolver) -> str:
    number = (
        resolver.number(d.options.get("label", ""))
        if d.options.get("label")
        else ""
    )
    heading = f"**Exercise {number}**" if number else "**Exercise**"
    return heading + (
        f" ({_convert_inline(d.argument, resolver)})" if d.argument else ""
    )


def _solution_title(label: str, resolver: Resolver) -> str:
    number = resolver.number(label) if label else ""
    return f"Solution to Exercise {number}" if number else "Solution"


def _close_solutions(text: str) -> str:
    """A solution whose start and end are in this cell folds into
    ``<details>``; one that spans cells (code cells inside it) gets a bold
    heading instead."""
    pattern = re.compile(
        re.escape(_SOLUTION_START).replace(r"\{\}", "(?P<title>[^\x00]*)")
        + r"(?P<body>.*?)"
        + re.escape(_SOLUTION_END),
        re.S,
    )
    text = pattern.sub(
        lambda m: "\n".join(
            _details(m.group("title"), m.group("body").strip("\n"))
        ),
        text,
    )
    text = re.sub(
        re.escape(_SOLUTION_START).replace(r"\{\}", "([^\x00]*)"),
        lambda m: f"**{m.group(1)}**\n",
        text,
    )
    return text.replace(_SOLUTION_END, "")


def _figure(d: Directive, resolver: Resolver) -> Iterator[str]:
    caption = convert(d.content, resolver).strip()
    number = (
        resolver.number(d.options["name"]) if d.options.get("name") else ""
    )
    target = resolver.xref("image", d.argument, None)
    yield f"![{d.options.get('alt', caption)}]({target})"
    if caption:
        yield ""
        yield f"*Figure {number}: {caption}*" if number else f"*{caption}*"


def _details(title: str, body: str) -> list[str]:
    return [
        "<details>",
        f"<summary>{title}</summary>",
        "",
        *body.splitlines(),
        "",
        "</details>",
    ]


def _quote(body: str) -> list[str]:
    return [f"> {line}" if line.strip() else ">" for line in body.splitlines()]


def _select_lines(text: str, spec: str) -> str:
    """Sphinx's ``:lines:`` option: 1-based ranges such as ``38-``,
    ``1-5,7``."""
    if not spec:
        return text
    lines, chosen = text.splitlines(), []
    for part in spec.split(","):
        start, dash, stop = part.strip().partition("-")
        first = int(start) if start else 1
        last = (int(stop) if stop else len(lines)) if dash else first
        chosen.extend(lines[first - 1 : last])
    return "\n".join(chosen)


def _display_math(body: str, label: str, resolver: Resolver) -> str:
    body = body.strip("\n")
    number = resolver.number(label) if label else ""
    if number:
        end = re.search(
            r"\\end\{(equation|align|gather|multline|flalign|alignat)\*?\}\s*$",
            body,
        )
        tag = f" \\tag{{{number}}}"
        body = (
            body[: end.start()].rstrip() + tag + "\n" + body[end.start() :]
            if end
            else body + tag
        )
    return f"$$\n{body}\n$$"


def _convert_prose(lines: list[str], resolver: Resolver) -> Iterator[str]:
    kept = [line for line in lines if not _TARGET.match(line)]
    text = "\n".join(kept)
    pieces, last = [], 0
    for math in _DISPLAY_MATH.finditer(text):
        pieces.append(
            _convert_inline(
                _drop_comments(text[last : math.start()]), resolver
            )
        )
        pieces.append(
            _display_math(
                math.group("body"), math.group("label") or "", resolver
            )
        )
        last = math.end()
    pieces.append(_convert_inline(_drop_comments(text[last:]), resolver))
    if kept:
        yield from "".join(pieces).split("\n")


def _drop_comments(text: str) -> str:
    return "\n".join(
        line for line in text.split("\n") if not _COMMENT.match(line)
    )


def _convert_inline(text: str, resolver: Resolver) -> str:
    return _ROLE_OR_CODE.sub(
        lambda m: (
            _role(m.group("role"), m.group("content"), resolver)
            if m.group("role")
            else m.group(0)
        ),
        text,
    )


def _role(role: str, content: str, resolver: Resolver) -> str:
    if role in GLUE_ROLES:
        # a value glued on another page: "page.md::key:spec"
        document, separator, rest = content.rpartition("::")
        key, _, spec = rest.partition(":")
        key = f"{document}::{key}" if separator else key
        return resolver.glue(
            key,
            spec,
            markdown=role in ("glue:md", "glue", "glue:", "glue:any"),
        )
    if role in CITE_ROLES:
        return resolver.cite(
            "cite:p" if role == "cite" else role,
            [key.strip() for key in content.split(",")],
        )
    if role == "math":
        return f"${content}$"
    if role in ("sub", "sup"):
        return f"<{role}>{content}</{role}>"
    if role in ("abbr", "dfn"):  # {abbr}`LR (learning rate)` shows "LR"
        return content.split(" (", 1)[0]
    if role in LITERAL_ROLES:
        return f"`{content}`"
    if role in XREF_ROLES:
        explicit = _EXPLICIT.match(content)
        if explicit and role not in ("eq",):
            return resolver.xref(
                role,
                explicit.group("target").strip(),
                explicit.group("text").strip(),
            )
        return resolver.xref(role, content.strip(), None)
    resolver.warn(
        f"role {{{role}}} has no plain-Markdown form: {{{role}}}`{content}`"
    )
    return content
