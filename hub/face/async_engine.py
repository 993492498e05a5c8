"""Async face of the engine: every blocking call runs in a worker pool, off the loop."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt

from .config import FaceEngineConfig
from .engine import FaceEngine, ImageInput
from .results import EnrolmentResult, Face, FaceAnalysis, MatchResult, VerifyResult

_P = ParamSpec("_P")
_T = TypeVar("_T")


class AsyncFaceEngine:
    """`await engine.async_identify(frame)` without blocking the hub's event loop.

    One worker by default: each onnxruntime session already uses
    `intra_op_threads` cores, so more workers on a small gate box only contend.
    """

    def __init__(
        self, engine: FaceEngine, executor: Executor | None = None, max_workers: int = 1
    ) -> None:
        """Wrap a loaded engine; owns (and shuts down) the executor only if it made it."""
        self.engine = engine
        self._own_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix="menjin-face"
        )

    @classmethod
    async def async_create(
        cls,
        config: FaceEngineConfig | None = None,
        executor: Executor | None = None,
        max_workers: int = 1,
    ) -> AsyncFaceEngine:
        """Load the models in a worker (hashing and session creation block)."""
        own = executor or ThreadPoolExecutor(max_workers=max_workers,
                                             thread_name_prefix="menjin-face")
        loop = asyncio.get_running_loop()
        try:
            engine = await loop.run_in_executor(own, FaceEngine, config)
        except BaseException:
            if executor is None:
                own.shutdown(wait=False)
            raise
        wrapper = cls(engine, own)
        wrapper._own_executor = executor is None
        return wrapper

    async def _run(self, func: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(func, *args, **kwargs))

    async def async_detect(self, image: ImageInput) -> list[Face]:
        """All faces in a frame."""
        return await self._run(self.engine.detect, image)

    async def async_identify(self, image: ImageInput) -> list[FaceAnalysis]:
        """Every face with quality, liveness, mask and 1:N match."""
        return await self._run(self.engine.identify, image)

    async def async_identify_embedding(
        self, embedding: npt.NDArray[np.float32], masked: bool = False
    ) -> MatchResult:
        """1:N match of a stored embedding."""
        return await self._run(self.engine.identify_embedding, embedding, masked=masked)

    async def async_verify(self, first: ImageInput, second: ImageInput) -> VerifyResult:
        """1:1 (ID-card photo against a live capture)."""
        return await self._run(self.engine.verify, first, second)

    async def async_enrol(
        self, person_id: str, images: Sequence[ImageInput], replace: bool = False
    ) -> EnrolmentResult:
        """Enrol from photos with reasons for every refused one."""
        return await self._run(self.engine.enrol, person_id, images, replace=replace)

    async def async_prepare_enrolment(
        self, person_id: str, images: Sequence[ImageInput]
    ) -> EnrolmentResult:
        """Check and embed photos without touching the gallery (store, then commit)."""
        return await self._run(self.engine.prepare_enrolment, person_id, images)

    async def async_prepare_enrolments(
        self,
        jobs: Sequence[tuple[str, Sequence[ImageInput]]],
        pending: Sequence[EnrolmentResult] = (),
    ) -> list[EnrolmentResult]:
        """Bulk preparation: photos checked in parallel and embedded in batches."""
        return await self._run(self.engine.prepare_enrolments, jobs, pending)

    async def async_commit_enrolment(
        self, result: EnrolmentResult, replace: bool = False
    ) -> EnrolmentResult:
        """Add a prepared (and stored) enrolment to the gallery.

        Runs in asyncio's default pool, not the engine's worker: it is a short
        locked copy into the gallery and must not queue behind the preparation
        of the next photos (bulk enrolment overlaps the two).
        """
        return await asyncio.to_thread(
            functools.partial(self.engine.commit_enrolment, result, replace=replace))

    async def async_remove(self, person_id: str) -> bool:
        """Erase a person's embeddings."""
        return await self._run(self.engine.remove, person_id)

    async def async_add_embeddings(
        self, person_id: str, embeddings: npt.NDArray[np.float32]
    ) -> None:
        """Load stored (decrypted) embeddings into the gallery at start-up."""
        await self._run(self.engine.gallery.add, person_id, embeddings)

    async def async_close(self) -> None:
        """Stop the worker pool if this object created it."""
        if self._own_executor:
            await asyncio.get_running_loop().run_in_executor(
                None, functools.partial(self._executor.shutdown, wait=True)
            )
