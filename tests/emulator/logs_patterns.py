"""CloudWatch Logs filter patterns for unstructured log events.

Used by FilterLogEvents and StartLiveTail (logEventFilterPattern); it also replaces moto's
`EventMessageFilter`, so every place moto matches a pattern uses the same rules.

Unstructured patterns (what batchtop sends):

    ERROR                      term: the message contains it (substring, case-sensitive)
    ERROR Exception            terms are ANDed
    ?ERROR ?WARN               `?` terms: at least one of them must match (OR)
    ERROR -Retry               `-` terms: none of them may match (exclusion)
    "Caused by"                quoted phrase: one term with spaces (\\" and \\\\ escape)
    ?"Out of memory" ?OOM      prefixes work on quoted phrases too
    %ERROR|WARN%               regular expression term (Python `re.search`), also after ? or -
    (empty)                    matches everything

A message matches when it contains every plain term, at least one `?` term (if there are
any) and no `-` term.  An unterminated quote or regular expression, or an invalid regular
expression, is `InvalidParameterException`.

JSON patterns (`{ $.level = "ERROR" }`) and space-delimited patterns (`[ip, user, ...]`)
are accepted and match every event: that is moto's behaviour, kept on purpose (AWS accepts
them; batchtop does not send them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_PATTERN_LENGTH = 1024  # FilterPattern: max 1024 (API model)


class PatternError(ValueError):
    """The pattern cannot be parsed (answered as InvalidParameterException)."""


@dataclass
class Term:
    kind: str  # "all" (plain), "any" (?), "none" (-)
    text: str = ""
    regex: re.Pattern | None = None

    def found_in(self, message: str) -> bool:
        if self.regex is not None:
            return self.regex.search(message) is not None
        return self.text in message


@dataclass
class Pattern:
    source: str
    match_all: bool = False  # empty, JSON or space-delimited pattern
    terms: list[Term] = field(default_factory=list)

    @property
    def structured(self) -> bool:
        stripped = self.source.strip()
        return stripped.startswith("{") or stripped.startswith("[")

    def matches(self, message: str) -> bool:
        if self.match_all:
            return True
        any_terms = [t for t in self.terms if t.kind == "any"]
        for term in self.terms:
            if term.kind == "all" and not term.found_in(message):
                return False
            if term.kind == "none" and term.found_in(message):
                return False
        return not any_terms or any(t.found_in(message) for t in any_terms)


def parse(source: str | None) -> Pattern:
    """Parse a filter pattern; raises PatternError for a malformed one."""
    source = source or ""
    if len(source) > MAX_PATTERN_LENGTH:
        raise PatternError(
            f"1 validation error detected: Value '{source}' at 'filterPattern' failed to satisfy "
            f"constraint: Member must have length less than or equal to {MAX_PATTERN_LENGTH}"
        )
    stripped = source.strip()
    if not stripped or stripped[0] in "{[":
        return Pattern(source, match_all=True)
    return Pattern(source, terms=list(_terms(stripped)))


def _terms(text: str):
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        kind = "all"
        if text[i] in "?-" and i + 1 < n and not text[i + 1].isspace():
            kind = "any" if text[i] == "?" else "none"
            i += 1
        if text[i] == '"':
            phrase, i = _quoted(text, i)
            yield Term(kind, text=phrase)
        elif text[i] == "%":
            end = text.find("%", i + 1)
            if end < 0:
                raise PatternError(f"Invalid filter pattern: unterminated regular expression in {text!r}")
            try:
                regex = re.compile(text[i + 1:end])
            except re.error as err:
                raise PatternError(f"Invalid regular expression in filter pattern: {err}") from None
            yield Term(kind, text=text[i + 1:end], regex=regex)
            i = end + 1
        else:
            start = i
            while i < n and not text[i].isspace():
                i += 1
            yield Term(kind, text=text[start:i])


def _quoted(text: str, i: int) -> tuple[str, int]:
    """The phrase of the quoted term starting at text[i] == '"', and the index after it."""
    out: list[str] = []
    i += 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if ch == '"':
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise PatternError(f"Invalid filter pattern: unterminated quoted term in {text!r}")


class EventFilter:
    """Drop-in for moto's `EventMessageFilter(pattern).matches(message)`."""

    def __init__(self, pattern: str | None):
        try:
            self.pattern = parse(pattern)
        except PatternError as err:
            from moto.logs.exceptions import InvalidParameterException

            raise InvalidParameterException(str(err)) from None

    def matches(self, message: str) -> bool:
        return self.pattern.matches(message)


def install() -> None:
    """Make moto's own matcher use these rules (FilterLogEvents, moto's live tail)."""
    import moto.logs.models as logs_models
    import moto.logs.utils as logs_utils

    logs_models.EventMessageFilter = EventFilter  # type: ignore[misc]
    logs_utils.EventMessageFilter = EventFilter  # type: ignore[misc]
