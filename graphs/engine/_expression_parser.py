"""The recursive-descent parser of ``${...}`` expressions (grammar: ``references``' docstring).

``depth`` bounds the nesting of parentheses, brackets, calls and prefix operators, so no text
can exhaust the stack; ``MAX_LENGTH`` bounds the text.
"""

from __future__ import annotations

from typing import Literal

from plangate.graphs.engine._expression_syntax import (
    _CMP,
    _KEYWORDS,
    _LITERALS,
    _STEP_RE,
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    Binary,
    Call,
    Const,
    ExpressionSyntaxError,
    Field,
    Filter,
    Index,
    Item,
    Member,
    Node,
    Path,
    Root,
    Segment,
    Unary,
    _Token,
    _tokens,
)

_LITERAL_WORDS = frozenset(_LITERALS)
_VALUE = "a value (number, 'text', true, false, null, a step id or a function call)"


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0
        self.depth = 0
        self.filters = 0  # inside how many filters: a bare name is then a field of the item

    def peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def fail(self, expected: str, token: _Token | None = None) -> ExpressionSyntaxError:
        token = token or self.peek()
        found = "the end" if token.kind == "end" else repr(token.text)
        return ExpressionSyntaxError(self.text, token.column, expected, found)

    def take(self, kind: str, text: str | None = None) -> _Token | None:
        token = self.peek()
        if token.kind == kind and (text is None or token.text == text):
            self.pos += 1
            return token
        return None

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"at most {MAX_DEPTH} nested parentheses, brackets or operators", token)

    def whole(self) -> Node:
        node = self.expression()
        if self.peek().kind != "end":
            raise self.fail("an operator or the end of the expression")
        return node

    def expression(self) -> Node:
        return self.logic("or")

    def logic(self, op: Literal["and", "or"]) -> Node:
        node = self.logic("and") if op == "or" else self.negation()
        while self.take("word", op):
            node = Binary(op, node, self.logic("and") if op == "or" else self.negation())
        return node

    def negation(self) -> Node:
        token = self.take("word", "not")
        if token is None:
            return self.comparison()
        self.enter(token)
        node = Unary("not", self.negation())
        self.depth -= 1
        return node

    def comparison(self) -> Node:
        left = self.sum()
        token = self.peek()
        if token.kind == "punct" and token.text in _CMP:
            self.pos += 1
            return Binary(token.text, left, self.sum())
        if self.take("word", "in"):
            return Member(left, self.items())
        if token.text == "not" and token.kind == "word" and self.peek(1).text == "in":
            self.pos += 2
            return Member(left, self.items(), negated=True)
        return left

    def items(self) -> tuple[Node, ...]:
        opening = self.take("punct", "[")
        if opening is None:
            raise self.fail("'[' starting a list of values, like ['AAPL', 'MSFT']")
        self.enter(opening)
        items: list[Node] = []
        while not self.take("punct", "]"):
            if items and not self.take("punct", ","):
                raise self.fail("',' or ']'")
            items.append(self.expression())
        self.depth -= 1
        return tuple(items)

    def sum(self) -> Node:
        node = self.product()
        while (token := self.peek()).kind == "punct" and token.text in ("+", "-"):
            self.pos += 1
            node = Binary(token.text, node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while (token := self.peek()).kind == "punct" and token.text in ("*", "/"):
            self.pos += 1
            node = Binary(token.text, node, self.unary())
        return node

    def unary(self) -> Node:
        token = self.take("punct", "-")
        if token is None:
            return self.postfix()
        self.enter(token)
        node = Unary("-", self.unary())
        self.depth -= 1
        return node

    def postfix(self) -> Node:
        base = self.primary()
        segments: list[Segment] = []
        while True:
            if self.take("punct", "."):
                name = self.take("word") or self.field_word()
                if name is None:
                    raise self.fail("a field name after '.'")
                segments.append(Field(name.text))
            elif opening := self.take("punct", "["):
                self.enter(opening)
                segments.append(self.bracket(opening))
                self.depth -= 1
            else:
                break
        if not segments:
            return base
        if isinstance(base, Path):
            return Path(base.base, base.segments + tuple(segments))
        return Path(base, tuple(segments))

    def field_word(self) -> _Token | None:
        """``true``, ``false`` or ``null`` after a ``.``: a field of that name."""
        token = self.peek()
        if token.kind == "value" and token.text in _LITERAL_WORDS:
            self.pos += 1
            return token
        return None

    def bracket(self, opening: _Token) -> Segment:
        """``[n]``, ``[-n]`` (an index) or ``[predicate]`` / ``[?predicate]`` (a filter)."""
        query = self.take("punct", "?") is not None
        sign = 1
        if not query and self.peek().text == "-" and self.peek(1).kind == "value":
            sign, ahead = -1, 1
        else:
            ahead = 0
        number = self.peek(ahead)
        closes = self.peek(ahead + 1).kind == "punct" and self.peek(ahead + 1).text == "]"
        if not query and closes and number.kind == "value" and number.text.isdigit():
            if len(number.text) > 9:
                raise self.fail("an index of at most 9 digits", number)
            self.pos += ahead + 2
            return Index(sign * int(number.text))
        self.filters += 1
        predicate = self.expression()
        self.filters -= 1
        if not self.take("punct", "]"):
            raise self.fail(f"']' closing the '[' at column {opening.column}")
        return Filter(predicate)

    def primary(self) -> Node:
        token = self.peek()
        if self.take("value"):
            return Const(token.value)
        if self.take("punct", "@"):
            if not self.filters:
                raise self.fail("a step id: '@' (the item) is only meaningful in a filter", token)
            return Path(Item())
        if opening := self.take("punct", "("):
            self.enter(opening)
            node = self.expression()
            if not self.take("punct", ")"):
                raise self.fail(f"')' closing the '(' at column {opening.column}")
            self.depth -= 1
            return node
        if token.kind != "word" or token.text in _KEYWORDS:
            raise self.fail(_VALUE)
        self.pos += 1
        if opening := self.take("punct", "("):
            return self.call(token, opening)
        if self.filters:
            return Path(Item(), (Field(token.text),))
        if not _STEP_RE.match(token.text):
            expected = "a step id (lowercase letter, then a-z, 0-9 or _) or a function call"
            raise self.fail(expected, token)
        return Path(Root(token.text))

    def call(self, name: _Token, opening: _Token) -> Node:
        if name.text not in FUNCTIONS:
            known = ", ".join(FUNCTIONS)
            raise self.fail(f"a function ({known})", name)
        self.enter(opening)
        args: list[Node] = []
        while not self.take("punct", ")"):
            if args and not self.take("punct", ","):
                raise self.fail("',' or ')'")
            args.append(self.expression())
        self.depth -= 1
        least, most = FUNCTIONS[name.text]
        if not least <= len(args) <= most:
            count = f"{least}" if least == most else f"{least} to {most}"
            expected = f"{count} argument{'s' if most > 1 else ''} to {name.text}()"
            raise ExpressionSyntaxError(self.text, name.column, expected, f"{len(args)}")
        return Call(name.text, tuple(args))


def parse_tree(text: str) -> Node:
    """The syntax tree of the expression ``text`` (the inside of ``${...}``).

    Raises:
        ExpressionSyntaxError: with the column and what was expected there.
    """
    if len(text) > MAX_LENGTH:
        found = f"{len(text)} characters"
        raise ExpressionSyntaxError(
            text[:40] + "…", MAX_LENGTH + 1, f"at most {MAX_LENGTH} characters", found
        )
    return _Parser(text).whole()
