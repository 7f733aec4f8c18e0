"""`keras-mask-codemod explain CODE`: what a rule means, an example, and the strategies that fix it."""

from __future__ import annotations

from dataclasses import dataclass

from codemod.analysis.findings import CODE_TITLES, Code


@dataclass(frozen=True)
class Explanation:
    meaning: str
    before: str
    after: str  # after `fix --strategy auto`
    strategies: str


_MASK_AWARE = "mask-aware: the layer becomes its Masked* version (same arguments); the mask reaches the layers that use it and outputs at valid steps no longer depend on padding. Keras 3 only: not for Keras 2 code (tf_keras...) or a Keras 2 target."
_LAMBDA = "lambda: the masking is made explicit (Lambda(apply_mask, ...), on Keras 2 the registered layer ApplyMaskValue(...); no mask_zero; or ApplyMask/EndMask on one branch); every output equals today's."
_REMOVE = "remove: Masking(0.0) is deleted when no layer on any branch uses its mask; every output equals today's."

EXPLANATIONS: dict[Code, Explanation] = {
    Code.MASKING_TO_CONV: Explanation(
        "A Masking layer's mask reaches a convolution. Convolutions do not support masking: Keras 3 "
        "warns and drops the mask, Keras 2 dropped it silently, so no layer after the convolution "
        "ever skipped the padded steps.",
        'layers.Masking(mask_value=-1.0),\nlayers.Conv1D(32, 5, padding="same"),\nlayers.LSTM(16),',
        'layers.Masking(mask_value=-1.0),\nMaskedConv1D(32, 5, padding="same"),\nlayers.LSTM(16),',
        f"{_MASK_AWARE}\n{_LAMBDA}\n{_REMOVE}",
    ),
    Code.EMBEDDING_TO_CONV: Explanation(
        "An Embedding(mask_zero=True) makes a mask (token 0 is padding) that reaches a convolution, "
        "which drops it. The usual text CNN: the mask never did anything after the convolution.",
        "layers.Embedding(5000, 64, mask_zero=True),\nlayers.Conv1D(64, 5),\n"
        "layers.GlobalMaxPooling1D(),",
        "layers.Embedding(5000, 64),\nlayers.Conv1D(64, 5),\nlayers.GlobalMaxPooling1D(),",
        f"{_MASK_AWARE}\n{_LAMBDA}\nremove: does not apply (only Masking can be removed).",
    ),
    Code.OTHER_PRODUCER_TO_CONV: Explanation(
        "Another mask producer (a Lambda given mask=..., a layer of yours with compute_mask) "
        "feeds a convolution, which drops the mask.",
        "layers.Lambda(scale, mask=keep_mask),\nlayers.Conv1D(64, 5),",
        "layers.Lambda(scale, mask=keep_mask),\nMaskedConv1D(64, 5),",
        f"{_MASK_AWARE}\nlambda and remove: do not apply to these producers.",
    ),
    Code.TO_OTHER_DESTROYER: Explanation(
        "A mask reaches a layer other than a convolution that does not support masking: pooling, "
        "Flatten, Reshape, a nested model, a custom layer without supports_masking.",
        "layers.Masking(),\nlayers.MaxPooling1D(2),\nlayers.LSTM(8),",
        "layers.Masking(),\nMaskedMaxPooling1D(2),\nlayers.LSTM(8),",
        "\n".join(
            (
                _MASK_AWARE + " Not for Reshape, Permute, nested models or your own layers: "
                "no sound mask-aware version exists.",
                _LAMBDA,
                _REMOVE,
            )
        ),
    ),
    Code.TIME_DISTRIBUTED: Explanation(
        "A mask reaches TimeDistributed around a layer that changes its shape (Conv2D...). "
        "TimeDistributed passes the mask on unchanged, so it no longer matches the output: after "
        "Masking on video the per-pixel mask goes on stale and an LSTM after it fails when the "
        "model runs, in Keras 3.15 ('Incompatible shapes' under jax, 'Dimensions must be equal' "
        "under TensorFlow).",
        "layers.Masking(),\nlayers.TimeDistributed(layers.Conv2D(16, 3)),\n"
        "layers.TimeDistributed(layers.Flatten()),\nlayers.LSTM(8),",
        "layers.Masking(),\nMaskedTimeDistributed(layers.Conv2D(16, 3)),\n"
        "layers.TimeDistributed(layers.Flatten()),\nlayers.LSTM(8),",
        "mask-aware: MaskedTimeDistributed zeroes masked positions and passes on one mask value per "
        "frame, so the LSTM skips the padded frames.\n"
        "lambda and remove: do not apply (the model cannot run with the stale mask).",
    ),
    Code.MANUAL_REVIEW: Explanation(
        "A mask producer is present but the analysis cannot follow where its mask goes (a "
        "mask_zero that is a variable, a function from another module, a list built at run time). "
        "fix never rewrites these: review them by hand.",
        "layers.Embedding(5000, 64, mask_zero=use_mask),\nlayers.Conv1D(64, 5),",
        "layers.Embedding(5000, 64, mask_zero=use_mask),\nlayers.Conv1D(64, 5),",
        "none: the path cannot be followed statically.",
    ),
}


def explain(code: Code) -> str:
    item = EXPLANATIONS[code]
    return (
        f"{code.value}: {CODE_TITLES[code]}\n\n{item.meaning}\n\n"
        f"Before:\n{_indent(item.before)}\n\nAfter `fix` (auto):\n{_indent(item.after)}\n\n"
        f"Strategies:\n{_indent(item.strategies)}\n"
    )


def summary() -> str:
    lines = [f"{code.value}  {CODE_TITLES[code]}" for code in Code]
    return "\n".join(lines) + "\n\nRun `keras-mask-codemod explain CODE` for one of them.\n"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())
