"""Names that are Keras names elsewhere, meaning other things here; and an import cycle."""
import input  # noqa: F401  (a cycle: input imports this module too)


def Masking(text):
    return text.strip()


class Conv1D:
    def __init__(self, *args, **kwargs):
        self.args = args


def make_embedding(vocab):
    import keras

    return keras.layers.Embedding(vocab, 8)  # no mask_zero: no mask
