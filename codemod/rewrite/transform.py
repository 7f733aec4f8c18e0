"""Carry out edits on the libcst tree; every node no edit names keeps its exact bytes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import libcst as cst

from codemod.analysis import source_lines
from codemod.rewrite.edits import (
    DropMaskZero,
    Edit,
    EndMaskBefore,
    MaskingToApplyMaskValue,
    MaskingToLambda,
    RemoveProducer,
    SwapClass,
    UnwrapTimeDistributed,
)
from codemod.rewrite.style import DEFAULT_STYLE, CodeStyle
from codemod.rewrite.syntax import SourceIndex


class EditError(Exception):
    """An edit could not be carried out; the message says why, for the user."""


def apply_edits(
    index: SourceIndex, edits: Iterable[Edit], lambda_name: str, style: CodeStyle = DEFAULT_STYLE
) -> cst.Module:
    """The module with `edits` done. `lambda_name` is how the file spells Lambda for a bare
    `Masking(...)` call (attribute spellings keep their prefix: `layers.Lambda`). A line an edit
    makes longer than the style's line length is split as black splits it."""
    transformer = _Transformer(lambda_name, index.module, index.text, style)
    for edit in edits:
        transformer.plan(index, edit)
    transformer.visit_only_towards_edits(index)
    return index.module.visit(transformer)


class _Transformer(cst.CSTTransformer):
    def __init__(self, lambda_name: str, module: cst.Module, text: str, style: CodeStyle) -> None:
        super().__init__()
        self._line_length = style.line_length
        self._quote = style.quote
        self._lambda_name = lambda_name
        self._module = module
        self._lines = source_lines(text)
        self._lambda_line: dict[cst.Call, int] = {}
        # The brackets around a Masking call on its line, innermost first (`model.add(...)`,
        # `Sequential([...])`): when the Lambda is split over lines, black splits them too.
        self._enclosing: dict[cst.Call, list[cst.CSTNode]] = {}
        self._explode: dict[cst.CSTNode, str] = {}  # bracket -> indentation of its closing line
        # Statements holding a class swap, with their line: split if the swap made it too long.
        self._swapped_in: dict[cst.SimpleStatementLine, int] = {}
        self._swap: dict[cst.Call, str] = {}
        self._alone: dict[cst.Call, str] = {}  # swapped calls alone on their line: its indent
        self._to_lambda: set[cst.Call] = set()
        self._drop_mask_zero: set[cst.Call] = set()
        self._unwrap: set[cst.Call] = set()  # `f(x)` becomes `x`
        self._wrap_input: dict[cst.Call, str] = {}  # `layer(x)` becomes `layer(End()(x))`
        self._drop_element: set[cst.Element] = set()
        self._element_before: dict[cst.Element, str] = {}
        self._drop_line: set[cst.SimpleStatementLine] = set()
        self._line_before: dict[cst.SimpleStatementLine, str] = {}
        self._rewire: set[cst.SimpleStatementLine] = set()  # became `name = other`: rewire
        self._towards_edits: set[cst.CSTNode] | None = None

    def visit_only_towards_edits(self, index: SourceIndex) -> None:
        """Descend only into nodes that hold an edited node: the rest of a big file is kept as
        it is without being visited (leave_* still runs on each node reached)."""
        edited: set[cst.CSTNode] = {
            *self._swap, *self._to_lambda, *self._drop_mask_zero, *self._unwrap,
            *self._wrap_input, *self._drop_element, *self._element_before, *self._drop_line,
            *self._line_before, *self._rewire,
        }  # fmt: skip
        self._towards_edits = set(edited)
        for node in edited:
            self._towards_edits.update(index.ancestors(node))

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._towards_edits is not None and node not in self._towards_edits:
            return False
        return super().on_visit(node)

    # Planning: find each edit's nodes ------------------------------------------------------------

    def plan(self, index: SourceIndex, edit: Edit) -> None:
        if isinstance(edit, SwapClass):
            call = _call(index, edit.target)
            self._swap[call] = edit.helper
            statement = index.statement_of(call)
            if statement is not None:
                self._swapped_in[statement] = edit.target.line
            line = self._lines[edit.target.line - 1]
            code = self._module.code_for_node(call)
            fitted = len(line.rstrip("\r\n")) <= self._line_length
            if fitted and line.strip() in (code, code + ","):
                self._alone[call] = line[: len(line) - len(line.lstrip())]
        elif isinstance(edit, MaskingToApplyMaskValue):
            self._swap[_call(index, edit.target)] = "ApplyMaskValue"
        elif isinstance(edit, UnwrapTimeDistributed):
            self._unwrap.add(_call(index, edit.target))
        elif isinstance(edit, MaskingToLambda):
            call = _call(index, edit.target)
            self._to_lambda.add(call)
            self._lambda_line[call] = edit.target.line
            self._enclosing[call] = self._brackets_around(index, call)
        elif isinstance(edit, DropMaskZero):
            self._drop_mask_zero.add(_call(index, edit.target))
        elif isinstance(edit, EndMaskBefore):
            self._plan_end_mask(index, edit)
        elif isinstance(edit, RemoveProducer):
            self._plan_removal(index, edit)

    def _plan_end_mask(self, index: SourceIndex, edit: EndMaskBefore) -> None:
        element = index.list_element(edit.site)
        line = index.add_statement(edit.site)
        if element is not None:
            self._element_before[element] = edit.layer
        elif line is not None:
            self._line_before[line] = edit.layer
        else:
            application = index.application(edit.site)
            if application is None:
                raise EditError("cannot find where to end the mask")
            self._wrap_input[application] = edit.layer

    def _plan_removal(self, index: SourceIndex, edit: RemoveProducer) -> None:
        construction = _call(index, edit.construction)
        stored = False
        for site in edit.sites:
            element = index.list_element(site)
            line = index.add_statement(site)
            if element is not None:
                self._drop_element.add(element)
            elif line is not None:
                self._drop_line.add(line)
            else:
                application = index.application(site)
                if application is None:
                    raise EditError("cannot unwire the Masking layer")
                self._unwrap.add(application)
                statement = index.statement_of(application)
                if statement is not None:
                    self._rewire.add(statement)
                if application.func is construction:
                    continue
            if site.span != edit.construction:
                stored = True
        if stored:
            assignment = index.assignment_of(construction)
            if assignment is None:
                raise EditError("cannot remove the Masking construction")
            self._drop_line.add(assignment)

    # Expressions -------------------------------------------------------------------------------

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if original in self._unwrap:
            inner = updated.args[0].value
            if updated.lpar:
                inner = inner.with_changes(
                    lpar=[*updated.lpar, *inner.lpar], rpar=[*inner.rpar, *updated.rpar]
                )
            return inner
        if original in self._swap:
            swapped = updated.with_changes(func=cst.Name(self._swap[original]))
            if original not in self._alone:
                return swapped
            indent = self._alone[original]  # an item on its own line (`Sequential([...])`)
            if len(indent) + len(self._module.code_for_node(swapped)) + 1 <= self._line_length:
                return swapped
            return self._right_hand_split(swapped, len(indent), indent) or swapped
        if original in self._to_lambda:
            return self._masking_to_lambda(original, updated)
        if original in self._drop_mask_zero:
            return updated.with_changes(args=_without_keyword(updated.args, "mask_zero"))
        if original in self._wrap_input:
            first = updated.args[0]
            wrapped = cst.Call(
                func=cst.Call(func=cst.Name(self._wrap_input[original])),
                args=[cst.Arg(first.value)],
            )
            return updated.with_changes(args=[first.with_changes(value=wrapped), *updated.args[1:]])
        if original in self._explode:
            return self._split(updated, self._explode[original])  # type: ignore[return-value]
        return updated

    def _masking_to_lambda(self, original: cst.Call, call: cst.Call) -> cst.Call:
        func = call.func
        if isinstance(func, cst.Attribute):
            func = func.with_changes(attr=cst.Name("Lambda"))
        else:
            func = cst.Name(self._lambda_name)
        mask_value: cst.BaseExpression = cst.Float("0.0")
        rest = []
        for position, arg in enumerate(call.args):
            if (arg.keyword is None and position == 0 and not arg.star) or (
                arg.keyword is not None and arg.keyword.value == "mask_value"
            ):
                mask_value = arg.value
            else:
                rest.append(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT))
        key = cst.SimpleString(f"{self._quote}mask_value{self._quote}")
        arguments = cst.Dict([cst.DictElement(key, mask_value)])
        args = [
            cst.Arg(cst.Name("apply_mask")),
            cst.Arg(
                cst.Name("apply_mask_output_shape"), keyword=cst.Name("output_shape"), equal=_EQ
            ),
            cst.Arg(arguments, keyword=cst.Name("arguments"), equal=_EQ),
            *rest,
        ]
        new = call.with_changes(func=func, args=args)
        line = self._lines[self._lambda_line[original] - 1]
        old_code = self._module.code_for_node(original)
        if (
            "\n" in old_code
            or "\r" in old_code
            or len(line) - len(old_code) + len(self._module.code_for_node(new)) > self._line_length
        ):
            indent = line[: len(line) - len(line.lstrip())]
            for bracket in reversed(self._enclosing.get(original, [])):  # the outermost first
                self._explode[bracket] = indent
                indent += self._module.default_indent
            new = self._one_argument_per_line(new, indent)
        return new

    def _brackets_around(self, index: SourceIndex, call: cst.Call) -> list[cst.CSTNode]:
        """The calls, lists and parenthesised tuples holding `call` as an item on its one line,
        innermost first, up to the statement or a bracket already split over lines."""
        found: list[cst.CSTNode] = []
        child: cst.CSTNode = call
        for node in index.ancestors(call):
            if isinstance(node, (cst.Arg, cst.Element)):
                child = node
                continue
            holds_item = (
                (isinstance(node, cst.Call) and child is not node.func)
                or isinstance(node, cst.List)
                or (isinstance(node, cst.Tuple) and bool(node.lpar))
            )
            if not holds_item:
                break
            if "\n" in self._module.code_for_node(node) or "\r" in self._module.code_for_node(node):
                break
            found.append(node)
            child = node
        return found

    def _split(self, node: cst.CSTNode, indent: str) -> cst.CSTNode:
        """A call, list or tuple split over lines as black splits it around a split item: one
        item per line, one step in, with a trailing comma when there are several (a lone item
        takes none, a tuple always keeps one); the closing bracket on its own line at `indent`."""
        inner, closing = _newline(indent + self._module.default_indent), _newline(indent)
        if isinstance(node, cst.Call):
            items = list(node.args)
        elif isinstance(node, (cst.List, cst.Tuple)):
            items = list(node.elements)
        else:
            return node
        lone = len(items) == 1 and not isinstance(node, cst.Tuple)
        spaced = []
        for number, item in enumerate(items):
            last = number == len(items) - 1
            if lone:
                comma = cst.MaybeSentinel.DEFAULT
            else:
                comma = cst.Comma(whitespace_after=closing if last else inner)
            if isinstance(item, cst.Arg):
                item = item.with_changes(
                    comma=comma,
                    whitespace_after_arg=closing if lone else cst.SimpleWhitespace(""),
                )
            else:
                item = item.with_changes(comma=comma)
            spaced.append(item)
        if isinstance(node, cst.Call):
            return node.with_changes(whitespace_before_args=inner, args=spaced)
        end = closing if lone else cst.SimpleWhitespace("")
        if isinstance(node, cst.List):
            return node.with_changes(
                elements=spaced,
                lbracket=node.lbracket.with_changes(whitespace_after=inner),
                rbracket=node.rbracket.with_changes(whitespace_before=end),
            )
        return node.with_changes(
            elements=spaced,
            lpar=[node.lpar[0].with_changes(whitespace_after=inner), *node.lpar[1:]],
            rpar=[*node.rpar[:-1], node.rpar[-1].with_changes(whitespace_before=end)],
        )

    def _one_argument_per_line(self, call: cst.Call, indent: str) -> cst.Call:
        """Lay the arguments out one per line, black style, at `indent` (the call's line's)."""
        step = self._module.default_indent
        newline = _newline

        args = [
            arg.with_changes(
                comma=cst.Comma(
                    whitespace_after=newline(indent + step if n < len(call.args) - 1 else indent)
                )
            )
            for n, arg in enumerate(call.args)
        ]
        return call.with_changes(whitespace_before_args=newline(indent + step), args=args)

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        """A one-line statement a swap made longer than the line length (`M()` ->
        `MaskedConv1D()`) is split as black splits it (`_right_hand_split`). Left as it is when
        black would do more than that."""
        if original not in self._swapped_in or len(updated.body) != 1:
            return updated
        if updated.trailing_whitespace.comment is not None:
            return updated
        small = updated.body[0]
        code = self._module.code_for_node(small)
        indent = self._laid_out_before(original)
        if indent is None or ("\n" not in code and len(indent) + len(code) <= self._line_length):
            return updated
        if "\n" in code:  # split before: black lays the statement out anew from one line
            small = _joined(small)
            if small is None:
                return updated
            code = self._module.code_for_node(small)
            if len(indent) + len(code) <= self._line_length:
                return updated.with_changes(body=[small])
        value = getattr(small, "value", None)
        if not (isinstance(value, cst.Call) and not value.lpar):
            return updated
        value_code = self._module.code_for_node(value)
        if not code.endswith(value_code):
            return updated
        split = self._right_hand_split(value, len(indent) + len(code) - len(value_code), indent)
        if split is None:
            return updated
        return updated.with_changes(body=[small.with_changes(value=split)])

    def _laid_out_before(self, statement: cst.SimpleStatementLine) -> str | None:
        """The indentation of the statement's first line (found from the line of its swap), when
        every line of it fitted the line length before the swap: code formatted to that length.
        None for longer lines: a file not formatted to the length keeps its layout."""
        code = self._module.code_for_node(statement.body[0])
        first = code.splitlines()[0]
        number = self._swapped_in[statement] - 1
        for start in range(number, max(-1, number - 200), -1):
            line = self._lines[start]
            stripped = line.lstrip(" \t")
            if stripped.startswith(first):
                lines = self._lines[start : start + code.count("\n") + 1]
                if max(len(text.rstrip("\r\n")) for text in lines) > self._line_length:
                    return None
                return line[: len(line) - len(stripped)]
        return None

    def _right_hand_split(self, value: cst.Call, column: int, indent: str) -> cst.Call | None:
        """`value`, a chain of calls (`M(a, b)(x)`) starting at `column` of a line at `indent`,
        split as black does: at the last call whose opening line fits (`x = M(` before
        `x = M(a, b)(`), its arguments on one line one step in, else one per line with a
        trailing comma, or a lone call argument split the same way. None when black would do
        something else (a star argument, an argument too long on its own line)."""
        chain = [value]
        while isinstance(chain[-1].func, cst.Call):
            chain.append(chain[-1].func)
        step = indent + self._module.default_indent
        for call in chain:
            if not call.args or call.lpar:
                continue
            head = column + len(self._module.code_for_node(call.func)) + 1
            if head > self._line_length:
                continue
            split = self._split_arguments(call, indent, step)
            if split is None:
                return None
            return _replace_in_chain(value, call, split)
        return None

    def _split_arguments(self, call: cst.Call, indent: str, step: str) -> cst.Call | None:
        args = list(call.args)
        if any(arg.star for arg in args) or args[-1].comma != cst.MaybeSentinel.DEFAULT:
            return None  # black's trailing comma after *args depends on the target version
        bare = [arg.with_changes(comma=cst.MaybeSentinel.DEFAULT) for arg in args]
        inside = ", ".join(self._module.code_for_node(arg) for arg in bare)
        if len(step) + len(inside) <= self._line_length:
            last = args[-1].with_changes(whitespace_after_arg=_newline(indent))
            return call.with_changes(whitespace_before_args=_newline(step), args=[*args[:-1], last])
        if len(args) == 1:
            inner = args[0].value
            if args[0].keyword is not None or not isinstance(inner, cst.Call) or inner.lpar:
                return None
            split = self._right_hand_split(inner, len(step), step)
            if split is None:
                return None
            only = args[0].with_changes(value=split, whitespace_after_arg=_newline(indent))
            return call.with_changes(whitespace_before_args=_newline(step), args=[only])
        if any(len(step) + len(self._module.code_for_node(arg)) + 1 > self._line_length
               for arg in bare):  # fmt: skip
            return None
        return self._one_argument_per_line(call, indent)

    # Sequential lists ----------------------------------------------------------------------------

    def leave_List(self, original: cst.List, updated: cst.List) -> cst.List:
        updated = self._list_after_edits(original, updated)
        if original in self._explode:
            return self._split(updated, self._explode[original])  # type: ignore[return-value]
        return updated

    def _list_after_edits(self, original: cst.List, updated: cst.List) -> cst.List:
        elements, comments = self._elements(original, updated)
        if comments:
            closing = _with_comments(updated.rbracket.whitespace_before, comments)
            return updated.with_changes(
                elements=elements, rbracket=updated.rbracket.with_changes(whitespace_before=closing)
            )
        return updated.with_changes(elements=elements)

    def leave_Tuple(self, original: cst.Tuple, updated: cst.Tuple) -> cst.Tuple:
        updated = self._tuple_after_edits(original, updated)
        if original in self._explode:
            return self._split(updated, self._explode[original])  # type: ignore[return-value]
        return updated

    def _tuple_after_edits(self, original: cst.Tuple, updated: cst.Tuple) -> cst.Tuple:
        elements, comments = self._elements(original, updated)
        if comments and updated.rpar:
            last = updated.rpar[-1]
            closing = _with_comments(last.whitespace_before, comments)
            rpar = [*updated.rpar[:-1], last.with_changes(whitespace_before=closing)]
            return updated.with_changes(elements=elements, rpar=rpar)
        return updated.with_changes(elements=elements)

    def _elements(
        self, original: cst.List | cst.Tuple, updated: cst.List | cst.Tuple
    ) -> tuple[list[cst.BaseElement], list[cst.EmptyLine]]:
        """The elements after drops and insertions, and the comment lines that stood before a
        dropped last element (they move before the closing bracket)."""
        elements: list[cst.BaseElement] = []
        comments: list[cst.EmptyLine] = []
        for old, new in zip(original.elements, updated.elements):
            if old in self._drop_element:
                if elements and old is original.elements[-1]:
                    # The new last element takes the dropped one's comma (trailing or none).
                    before = elements[-1].comma
                    if isinstance(before, cst.Comma) and isinstance(
                        before.whitespace_after, cst.ParenthesizedWhitespace
                    ):
                        comments = list(before.whitespace_after.empty_lines)
                    elements[-1] = elements[-1].with_changes(comma=new.comma)
                continue
            if old in self._element_before:
                layer = cst.Call(func=cst.Name(self._element_before[old]))
                elements.append(cst.Element(layer, comma=_comma_before(elements, updated, new)))
            elements.append(new)
        return elements, [line for line in comments if line.comment is not None]

    # Statements --------------------------------------------------------------------------------

    def leave_IndentedBlock(
        self, original: cst.IndentedBlock, updated: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = self._statements(original.body, updated.body)
        return updated.with_changes(body=body or [cst.SimpleStatementLine([cst.Pass()])])

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return updated.with_changes(body=self._statements(original.body, updated.body))

    def _statements(
        self, original: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement]
    ) -> list[cst.BaseStatement]:
        result: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []  # comments and blank lines of a dropped line
        pairs = list(zip(original, updated))
        position = 0
        while position < len(pairs):
            old, new = pairs[position]
            position += 1
            if old in self._drop_line:
                carried += list(new.leading_lines)
                continue
            if old in self._line_before and isinstance(new, cst.SimpleStatementLine):
                new = self._with_line_before(new, self._line_before[old], result)
            if old in self._rewire and isinstance(new, cst.SimpleStatementLine):
                following = pairs[position][1] if position < len(pairs) else None
                rewired = _rewire(new, following)
                if rewired is not None:
                    carried += list(new.leading_lines)
                    if rewired is not following:
                        pairs[position] = (pairs[position][0], rewired)
                    continue
            if carried:
                new = new.with_changes(leading_lines=[*carried, *new.leading_lines])
                carried = []
            result.append(new)
        return result

    @staticmethod
    def _with_line_before(
        line: cst.SimpleStatementLine, layer: str, result: list[cst.BaseStatement]
    ) -> cst.SimpleStatementLine:
        expr = line.body[0]
        assert isinstance(expr, cst.Expr) and isinstance(expr.value, cst.Call)
        add = expr.value.with_changes(args=[cst.Arg(cst.Call(func=cst.Name(layer)))])
        result.append(
            line.with_changes(body=[expr.with_changes(value=add)], trailing_whitespace=_NEWLINE)
        )
        return line.with_changes(leading_lines=[])


_EQ = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)
_NEWLINE = cst.TrailingWhitespace()


# Where black joins a split statement, what each break becomes.
_JOINED: dict[tuple[type, str], str] = {
    (cst.Call, "whitespace_before_args"): "",
    (cst.Call, "whitespace_after_func"): "",
    (cst.Arg, "whitespace_after_arg"): "",
    (cst.Arg, "whitespace_after_star"): "",
    (cst.Comma, "whitespace_before"): "",
    (cst.Comma, "whitespace_after"): " ",
    (cst.LeftParen, "whitespace_after"): "",
    (cst.RightParen, "whitespace_before"): "",
    (cst.LeftSquareBracket, "whitespace_after"): "",
    (cst.RightSquareBracket, "whitespace_before"): "",
    (cst.LeftCurlyBrace, "whitespace_after"): "",
    (cst.RightCurlyBrace, "whitespace_before"): "",
}


class _JoinLines(cst.CSTTransformer):
    """A statement split over lines inside its brackets, back on one line as black would read
    it; `failed` when something there would keep black from joining it (a comment, a magic
    trailing comma) or is a break this does not know how to join (around an operator)."""

    def __init__(self) -> None:
        super().__init__()
        self.failed = False

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:
        if isinstance(updated, (cst.Comment, cst.EmptyLine)):
            self.failed = True
        if isinstance(updated, (cst.Call, cst.List, cst.Tuple, cst.Dict, cst.Set)):
            items = updated.args if isinstance(updated, cst.Call) else updated.elements
            last = items[-1] if items else None
            if last is not None and isinstance(getattr(last, "comma", None), cst.Comma):
                self.failed = True  # a magic trailing comma: black keeps it exploded
        changes = {}
        for field in dataclasses.fields(updated):
            value = getattr(updated, field.name)
            if not isinstance(value, cst.ParenthesizedWhitespace):
                continue
            joined = _JOINED.get((type(updated), field.name))
            if joined is None or value.first_line.comment is not None:
                self.failed = True
                return updated
            changes[field.name] = cst.SimpleWhitespace(joined)
        return updated.with_changes(**changes) if changes else updated


def _joined(node: cst.BaseSmallStatement) -> cst.BaseSmallStatement | None:
    joiner = _JoinLines()
    joined = node.visit(joiner)
    return None if joiner.failed else joined  # type: ignore[return-value]


def _replace_in_chain(value: cst.Call, old: cst.Call, new: cst.Call) -> cst.Call:
    """The call chain `value` (`M(a)(x)`) with its link `old` replaced by `new`."""
    if value is old:
        return new
    func = value.func
    assert isinstance(func, cst.Call)
    return value.with_changes(func=_replace_in_chain(func, old, new))


def _newline(depth: str) -> cst.ParenthesizedWhitespace:
    """A line break inside brackets, the next line indented by `depth`."""
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(), indent=False, last_line=cst.SimpleWhitespace(depth)
    )


def _call(index: SourceIndex, span) -> cst.Call:
    call = index.call(span)
    if call is None:
        raise EditError(f"cannot find the layer call at line {span.line}")
    return call


def _without_keyword(args: Sequence[cst.Arg], keyword: str) -> list[cst.Arg]:
    kept = [arg for arg in args if arg.keyword is None or arg.keyword.value != keyword]
    if kept and args and kept[-1] is not args[-1]:
        # The dropped argument was last: its comma (trailing or none) moves to the new last one.
        kept[-1] = kept[-1].with_changes(comma=args[-1].comma)
    return kept


def _with_comments(whitespace, comments: list[cst.EmptyLine]):
    """Closing-bracket whitespace with comment lines put back in front of it."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(empty_lines=[*comments, *whitespace.empty_lines])
    return whitespace


def _comma_before(
    done: list[cst.BaseElement], container: cst.List | cst.Tuple, following: cst.BaseElement
) -> cst.Comma:
    """A comma for an element inserted before `following`, laid out like the one before it."""
    if done and isinstance(done[-1].comma, cst.Comma):
        return done[-1].comma
    if isinstance(container, cst.List):
        whitespace = container.lbracket.whitespace_after
    elif container.lpar:
        whitespace = container.lpar[0].whitespace_after
    else:
        whitespace = cst.SimpleWhitespace(" ")
    if isinstance(whitespace, cst.ParenthesizedWhitespace) or whitespace.value:
        return cst.Comma(whitespace_after=whitespace)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _rewire(
    line: cst.SimpleStatementLine, following: cst.BaseStatement | None
) -> cst.BaseStatement | None:
    """After unwiring, `x = inp` followed by `x = f(x)` becomes `x = f(inp)`; `x = x` goes.

    Returns the statement that replaces both (the following one, maybe rewritten), or None to
    keep `line` as it is."""
    assign = line.body[0] if len(line.body) == 1 else None
    if line.trailing_whitespace.comment is not None:
        return None  # keep `x = inp  # comment`: the comment is the user's
    if not (
        isinstance(assign, cst.Assign)
        and len(assign.targets) == 1
        and isinstance(assign.targets[0].target, cst.Name)
        and isinstance(assign.value, cst.Name)
    ):
        return None
    name, source = assign.targets[0].target.value, assign.value.value
    if name == source:
        return following if following is not None else cst.SimpleStatementLine([cst.Pass()])
    if not (isinstance(following, cst.SimpleStatementLine) and len(following.body) == 1):
        return None
    statement = following.body[0]
    if not (
        isinstance(statement, cst.Assign)
        and all(
            isinstance(target.target, cst.Name) and target.target.value == name
            for target in statement.targets
        )
    ):
        return None
    renamer = _Rename(name, source)
    value = statement.value.visit(renamer)
    if not renamer.count:
        return None
    return following.with_changes(body=[statement.with_changes(value=value)])


class _Rename(cst.CSTTransformer):
    """Rename loads of one variable in an expression (attribute and keyword names untouched)."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__()
        self.old, self.new, self.count = old, new, 0
        self._not_variables: set[cst.Name] = set()

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self._not_variables.add(node.attr)
        return True

    def visit_Arg(self, node: cst.Arg) -> bool:
        if node.keyword is not None:
            self._not_variables.add(node.keyword)
        return True

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        if original.value == self.old and original not in self._not_variables:
            self.count += 1
            return updated.with_changes(value=self.new)
        return updated
