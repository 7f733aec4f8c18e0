"""A libcst codemod that changes nothing but asks for qualified names: the cost of libcst's own
codemod CLI (parse, scope and qualified-name analysis, per file, in worker processes), which is
the baseline a libcst-based migration tool starts from."""

from __future__ import annotations

import libcst as cst
from libcst.codemod import VisitorBasedCodemodCommand
from libcst.metadata import QualifiedNameProvider


class NoOp(VisitorBasedCodemodCommand):
    DESCRIPTION = "Resolve qualified names of every call and change nothing."
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def visit_Call(self, node: cst.Call) -> None:
        self.get_metadata(QualifiedNameProvider, node, set())
