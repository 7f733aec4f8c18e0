"""keras-mask-codemod: find and fix Keras masks that reach layers which destroy them."""

__version__ = "0.1.0.dev0"
