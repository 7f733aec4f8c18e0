"""Docs example, never run:

    x = layers.Masking()(inp)
    x = layers.Conv1D(8, 3)(x)
"""

# model = Sequential([Masking(), Conv1D(8, 3)])
EXAMPLE = "Sequential([layers.Masking(), layers.Conv1D(8, 3)])"
