r"""The codebook's rule language, compiled to regular expressions over stemmed text.

A pattern is a phrase of words; words are stemmed exactly as the text is, so a pattern matches
inflected forms. ``(a|b c)`` gives alternatives, a trailing ``?`` makes the word or group before it
optional, and ``...`` allows up to :data:`GAP_WORDS` words in between. A hyphen counts as a space,
as it does in the tokeniser. Matches are whole-word: the compiled expression runs over text
reduced to stems, each stem preceded by one space, texts separated by newlines
(:func:`rule_text`); it starts with that space and ends before a space, a newline or the end.
Starting with a literal space (rather than a look-behind) lets the regular-expression engine skip
quickly to token starts: several times faster over a large corpus.

Compiling the phrase language (rather than letting codebook authors write raw regular expressions)
keeps patterns readable by qualitative researchers and guarantees that a pattern cannot match part
of a word or run across two texts.

>>> compile_pattern("not ... confident to report").pattern
' (?:not(?: \\S+){0,4} confid to report)(?=[ \\n]|\\Z)'
>>> bool(compile_pattern("(senior|board) leaders").search(rule_text("The Board leader said")))
True
>>> bool(compile_pattern("lead").search(rule_text("leadership")))
False
"""

from __future__ import annotations

import re
from functools import cache

from evaluation.text.preprocess import TOKEN_RE, stem

GAP_WORDS = 4
_GAP = rf"(?: \S+){{0,{GAP_WORDS}}} "
_LEX = re.compile(r"\s*(\.\.\.|\(|\)|\||\?|[^\W_]+(?:['’][^\W_]+)*)\s*|(\S)")


class PatternError(ValueError):
    """A codebook pattern that cannot be compiled; the message says why."""


def _lex(pattern: str) -> list[tuple[str, bool]]:
    """Tokens of a pattern, each with whether whitespace or a hyphen came before it."""
    items: list[tuple[str, bool]] = []
    text = pattern.lower().replace("-", " ")
    pos = 0
    while pos < len(text):
        m = _LEX.match(text, pos)
        if m is None:  # only trailing whitespace is left
            break
        if m.group(2) is not None:
            raise PatternError(f"unexpected character {m.group(2)!r} in pattern {pattern!r}")
        items.append((m.group(1), m.start(1) > pos))
        pos = m.end()
    return items


class _Parser:
    """Recursive descent over ``alt := seq ('|' seq)*``, ``seq := item (gap? item)*``."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.items = [t for t, _ in _lex(pattern)]
        self.pos = 0

    def peek(self) -> str | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def take(self) -> str:
        token = self.items[self.pos]
        self.pos += 1
        return token

    def alt(self) -> str:
        branches = [self.seq()]
        while self.peek() == "|":
            self.take()
            branches.append(self.seq())
        return "|".join(branches)

    def seq(self) -> str:
        # Each element is (regex, optional); the separator before element k>0 is a space or a gap.
        elements: list[tuple[str, bool]] = []
        separators: list[str] = []
        separator = " "
        while self.peek() not in (None, "|", ")"):
            if self.peek() == "...":
                self.take()
                if not elements or self.peek() in (None, "|", ")", "..."):
                    raise PatternError(f"'...' must stand between two words in {self.pattern!r}")
                separator = _GAP
                continue
            regex = self.item()
            optional = self.peek() == "?"
            if optional:
                self.take()
            if elements:
                separators.append(separator)
            elements.append((regex, optional))
            separator = " "
        if not elements:
            raise PatternError(f"empty alternative or group in pattern {self.pattern!r}")
        if all(optional for _, optional in elements):
            raise PatternError(f"pattern {self.pattern!r} is all optional: it would match anything")
        out = ""
        for k, (regex, optional) in enumerate(elements):
            if k == 0:
                if optional:  # the first element carries the separator after it
                    out += f"(?:{regex}{separators[0]})?"
                else:
                    out += regex
            else:
                previous_optional_first = k == 1 and elements[0][1]
                piece = regex if previous_optional_first else separators[k - 1] + regex
                out += f"(?:{piece})?" if optional else piece
        return out

    def item(self) -> str:
        token = self.take()
        if token == "(":
            inner = self.alt()
            if self.peek() != ")":
                raise PatternError(f"unbalanced '(' in pattern {self.pattern!r}")
            self.take()
            return f"(?:{inner})"
        if token in (")", "|", "?", "..."):
            raise PatternError(f"unexpected {token!r} in pattern {self.pattern!r}")
        return re.escape(" ".join(stem(w) for w in token.split()))

    def parse(self) -> str:
        if not self.items:
            raise PatternError("empty pattern")
        regex = self.alt()
        if self.peek() is not None:
            raise PatternError(f"unexpected {self.peek()!r} in pattern {self.pattern!r}")
        return regex


def rule_text(text: str) -> str:
    """``text`` as the rule language sees it: lower-cased stems, each preceded by a space."""
    return "".join([" " + stem(t) for t in TOKEN_RE.findall(text.lower())])


class _FirstWords(_Parser):
    """The same grammar, walked for the stems a match can begin with (pattern already valid)."""

    def words(self) -> set[str]:
        first = self.branch_words()
        while self.peek() == "|":
            self.take()
            first |= self.branch_words()
        return first

    def branch_words(self) -> set[str]:
        first: set[str] = set()
        settled = False  # a required element has been reached: later ones cannot start a match
        while self.peek() not in (None, "|", ")"):
            if self.peek() == "...":
                self.take()
                continue
            token = self.take()
            words = self.words() if token == "(" else {stem(token.split()[0])}
            if token == "(":
                self.take()  # the closing ")"
            optional = self.peek() == "?"
            if optional:
                self.take()
            if not settled:
                first |= words
                settled = not optional
        return first


@cache
def first_words(pattern: str) -> frozenset[str]:
    """The stems a match of ``pattern`` can start with: a text without any of them cannot match.

    >>> sorted(first_words("(front line|ward)? staff ... (not|never) heard"))
    ['front', 'staff', 'ward']
    """
    compile_pattern(pattern)  # raises PatternError for an invalid pattern
    return frozenset(_FirstWords(pattern).words())


@cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile one codebook pattern; raises :class:`PatternError` naming the problem."""
    regex = _Parser(pattern).parse()
    return re.compile(rf" (?:{regex})(?=[ \n]|\Z)")
