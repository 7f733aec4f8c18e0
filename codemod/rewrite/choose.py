"""Which rewrite fits a finding, and why (the `auto` strategy, and whether each strategy applies)."""

from __future__ import annotations

from codemod.analysis.findings import Code, Finding

STRATEGIES = ("mask-aware", "lambda", "remove")


def not_applicable(finding: Finding, strategy: str) -> str | None:
    """Why `strategy` cannot fix `finding` soundly, or None when it can."""
    if finding.code is Code.MANUAL_REVIEW:
        return "the mask's path cannot be followed statically"
    producer = finding.producer
    if strategy == "mask-aware":
        if finding.keras_2:
            return _keras_2_reason(finding)
        if not finding.destroyer_is_keras and finding.path_blockers[:1] == (finding.destroyer.name,):
            return (
                f"{finding.destroyer.name} is not a Keras layer; make it mask-aware by hand "
                "(supports_masking = True and a compute_mask for its output)"
            )
        if finding.path_blockers:
            names = ", ".join(finding.path_blockers)
            return f"no mask-aware version of {names} exists"
        return None
    if producer.kind == "time-distributed-masking":
        return f"{strategy} does not apply to TimeDistributed(Masking); use mask-aware"
    if finding.code is Code.TIME_DISTRIBUTED:
        return (
            "TimeDistributed passes a stale mask the model cannot run with; "
            "mask-aware masks the padded frames"
        )
    if finding.destroyer_uses_mask:
        return (
            f"the {finding.destroyer.name} reads the mask it is given, so {strategy} would "
            "change what it computes"
        )
    if strategy == "lambda":
        if producer.kind not in ("masking", "embedding"):
            return f"lambda rewrites Masking and Embedding producers only, not {producer.name}"
        if finding.keras_2 and (producer.kind == "masking" or finding.mask_used_elsewhere):
            return _keras_2_helpers_problem(finding)  # Keras 2 helpers, written for its module
        return None  # a non-literal mask_value is passed through unchanged as a Lambda argument
    if strategy == "remove":
        if producer.kind != "masking":
            return f"only a Masking layer can be removed, not {producer.name}"
        if not producer.mask_value_literal:
            return "mask_value is not a literal"
        if producer.mask_value != 0:
            return (
                f"mask_value is {producer.mask_value!r}, so Masking changes values (rows become 0)"
            )
        if finding.mask_used_elsewhere:
            return finding.mask_used_elsewhere[0]
        return None
    raise ValueError(f"unknown strategy {strategy!r}")


def _keras_2_reason(finding: Finding) -> str:
    """Why mask-aware cannot go where Keras 2 runs: its helper layers are Keras 3 code."""
    if finding.keras_2_target:
        return f"the mask-aware helpers need Keras 3, and the target is {finding.keras_2_target}"
    return (
        "the mask-aware helpers need Keras 3, and this code imports Keras 2 (tf_keras or the like)"
    )


# TensorFlow's private copy of Keras: no keras.utils.register_keras_serializable to register with.
_NO_HELPERS_MODULES = ("tensorflow.python.keras",)


def _keras_2_helpers_problem(finding: Finding) -> str | None:
    """Why the Keras 2 lambda helpers (templates/keras2_helpers.py) cannot be written for the
    module the finding's layers come from, or None when they can."""
    module = finding.keras_module
    if module in _NO_HELPERS_MODULES:
        return (
            f"{module} is TensorFlow's private copy of Keras, with no "
            "keras.utils.register_keras_serializable for a helper layer; import Keras as "
            "tf.keras or tf_keras"
        )
    if not module:
        return (
            f"cannot tell which Keras module the {finding.producer.name} comes from, to write "
            "the Keras 2 helper for it"
        )
    return None


def auto_strategy(finding: Finding) -> str:
    """mask-aware when a mask user downstream shows the author meant the mask to reach it;
    else remove when removing is exact; else lambda (exact values, mask made explicit)."""
    if finding.code is Code.MANUAL_REVIEW:
        return "manual"
    if (
        finding.mask_user is not None
        and not_applicable(finding, "mask-aware") is None
    ):
        return "mask-aware"
    for strategy in ("remove", "lambda", "mask-aware"):
        if not_applicable(finding, strategy) is None:
            return strategy
    return "manual"
