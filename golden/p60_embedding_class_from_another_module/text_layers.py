"""The project's token embedding: padding token 0 is masked."""
import keras


@keras.saving.register_keras_serializable(package="demo")
class TokenEmbedding(keras.layers.Embedding):
    def __init__(self, vocab_size, dim, **kwargs):
        kwargs.pop("mask_zero", None)
        super().__init__(vocab_size, dim, mask_zero=True, **kwargs)

    def get_config(self):
        config = super().get_config()
        config["vocab_size"] = config.pop("input_dim")
        config["dim"] = config.pop("output_dim")
        return config
