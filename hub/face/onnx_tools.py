"""onnxruntime sessions, the SFace graph repair, and its cached fp32 form.

The SFace int8 file as published lists weights as graph inputs (and a few
inputs no node reads), so onnxruntime demands them as feeds and cannot fold
constants. We repair the graph in memory on load instead of shipping an edited
file. Dequantising its block-quantised weights once gives an fp32 graph that
runs about twice as fast on CPU with the same outputs (cosine 1.0); that form
is derived on first use and cached under `$MENJIN_CACHE_DIR` or
`~/.cache/menjin`, keyed by the source file's sha256.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Final

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper

from .const import ENV_CACHE_DIR
from .errors import ModelLoadError

_LOGGER = logging.getLogger(__name__)

# Bump when the derivation changes, so stale cache entries are never used.
FP32_FORMAT_VERSION: Final = 1


# Size of the process-wide pool once created; False if it could not be made.
_shared_pool: int | bool | None = None


def prepare_thread_pool(intra_op_threads: int) -> bool:
    """Create onnxruntime's process-wide thread pool once; True if sessions can use it.

    The models of one frame run back to back. With a pool per session each
    hand-over wakes sleeping threads (spinning pools steal the cores the next
    model needs: measured 2x slower); one shared, spinning pool keeps its
    workers warm across models: 34 -> 29 ms per frame, all stages
    (docs/face-engine.md). onnxruntime allows one such pool per process, made
    before its first session: `FaceEngine` calls this first with its thread
    count; later calls (and other engines) share what the first one made.
    """
    global _shared_pool
    if _shared_pool is None:
        from onnxruntime.capi import _pybind_state

        try:
            _pybind_state.set_global_thread_pool_sizes(max(1, intra_op_threads), 1)
            _shared_pool = max(1, intra_op_threads)
        except Exception as err:  # the environment exists already (another library)
            _LOGGER.debug("Using a thread pool per model: %s", err)
            _shared_pool = False
    return _shared_pool is not False


def session_options(intra_op_threads: int) -> ort.SessionOptions:
    """Options shared by the model sessions: bounded threads, quiet logging."""
    options = ort.SessionOptions()
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3  # the published files trigger harmless warnings
    if prepare_thread_pool(intra_op_threads):
        options.use_per_session_threads = False
    else:
        options.intra_op_num_threads = max(1, intra_op_threads)
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def create_session(model: Path | bytes, intra_op_threads: int, what: str) -> ort.InferenceSession:
    """Create a CPU session, turning onnxruntime's failure into a sentence."""
    source = model if isinstance(model, bytes) else str(model)
    try:
        return ort.InferenceSession(
            source, session_options(intra_op_threads), providers=["CPUExecutionProvider"]
        )
    except Exception as err:  # onnxruntime raises several unrelated types
        raise ModelLoadError(
            f"onnxruntime could not load the {what} model: {err}. Replace the file with the "
            "original download (see `menjin models`)."
        ) from err


def repair_graph(model: onnx.ModelProto) -> onnx.ModelProto:
    """Drop graph inputs that are initialisers or that no node consumes.

    Also makes the batch dimension symbolic so enrolment can embed in batches.
    """
    graph = model.graph
    consumed = {name for node in graph.node for name in node.input}
    initialisers = {init.name for init in graph.initializer}
    keep = [i for i in graph.input if i.name in consumed and i.name not in initialisers]
    del graph.input[:]
    graph.input.extend(keep)
    for value in graph.input:
        dims = value.type.tensor_type.shape.dim
        if dims:
            dims[0].ClearField("dim_value")
            dims[0].dim_param = "batch"
    for value in graph.output:
        dims = value.type.tensor_type.shape.dim
        if dims:
            dims[0].ClearField("dim_value")
            dims[0].dim_param = "batch"
    del graph.value_info[:]
    return model


def dequantise_weights(model: onnx.ModelProto) -> onnx.ModelProto:
    """Replace DequantizeLinear nodes fed only by constants with their fp32 result.

    onnxruntime computes the values (it implements block quantisation exactly),
    then the nodes are removed and their outputs become initialisers.
    """
    graph = model.graph
    initialisers = {init.name for init in graph.initializer}
    const_nodes = [
        node
        for node in graph.node
        if node.op_type == "DequantizeLinear"
        and all(name == "" or name in initialisers for name in node.input)
    ]
    if not const_nodes:
        return model
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    del probe.graph.output[:]
    probe.graph.output.extend(
        helper.make_tensor_value_info(node.output[0], onnx.TensorProto.FLOAT, None)
        for node in const_nodes
    )
    options = session_options(1)
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(
        probe.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    feeds = {
        value.name: np.zeros(
            [d.dim_value if d.dim_value > 0 else 1 for d in value.type.tensor_type.shape.dim],
            dtype=np.float32,
        )
        for value in graph.input
    }
    values = session.run(None, feeds)
    removed = {id(node) for node in const_nodes}
    kept_nodes = [node for node in graph.node if id(node) not in removed]
    del graph.node[:]
    graph.node.extend(kept_nodes)
    for node, value in zip(const_nodes, values, strict=True):
        graph.initializer.append(
            numpy_helper.from_array(np.asarray(value, dtype=np.float32), node.output[0])
        )
    consumed = {name for node in graph.node for name in node.input}
    kept_inits = [init for init in graph.initializer if init.name in consumed]
    del graph.initializer[:]
    graph.initializer.extend(kept_inits)
    return model


def cache_dir() -> Path:
    """Where derived model forms are cached (never inside the repository)."""
    configured = os.environ.get(ENV_CACHE_DIR)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "menjin"


def load_recogniser_bytes(path: Path, sha256: str, *, fp32: bool) -> bytes:
    """Return the repaired SFace graph, in its fp32 form when asked (cached)."""
    if fp32:
        cached = cache_dir() / f"sface_fp32_{sha256[:16]}_v{FP32_FORMAT_VERSION}.onnx"
        if cached.is_file():
            try:
                return bytes(cached.read_bytes())
            except OSError as err:
                _LOGGER.warning("Cannot read cached model %s (%s); deriving again", cached, err)
    try:
        model = repair_graph(onnx.load(str(path)))
    except Exception as err:  # onnx raises DecodeError and others on damaged files
        raise ModelLoadError(
            f"The recogniser model {path} could not be parsed: {err}. Replace it with the "
            "original download."
        ) from err
    if not fp32:
        return bytes(model.SerializeToString())
    _LOGGER.info("Deriving the fp32 form of %s (once; cached)", path.name)
    data = bytes(dequantise_weights(model).SerializeToString())
    _write_cache(cached, data)
    return data


def _write_cache(target: Path, data: bytes) -> None:
    """Write atomically; a read-only cache is not an error, just slower next start."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            handle.write(data)
            temp_name = handle.name
        os.replace(temp_name, target)
    except OSError as err:
        _LOGGER.warning("Cannot cache the derived model in %s: %s", target.parent, err)
