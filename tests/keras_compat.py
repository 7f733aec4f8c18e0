"""The one Keras internal the tests read, across the supported range (Keras 3.0.5 to master).

There is no public accessor for the mask Keras attaches to a tensor: Keras 3.0 keeps it in the
tensor's `_keras_mask` attribute, later releases behind `keras.src.backend.get_keras_mask`.
"""

from __future__ import annotations

try:
    from keras.src.backend import get_keras_mask
except ImportError:  # releases before the accessor (3.0.5 among them)

    def get_keras_mask(tensor):
        return getattr(tensor, "_keras_mask", None)


__all__ = ["get_keras_mask"]
