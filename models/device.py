"""The one place that decides where models run and in which precision."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class DevicePlan:
    """Device, dtype and batch-size multiplier for a model run."""

    device: str  # "cuda", "mps" or "cpu"
    dtype: torch.dtype
    batch_multiplier: int  # accelerators take larger batches than a 2-core CPU

    @property
    def is_accelerator(self) -> bool:
        return self.device != "cpu"


def choose_device(preference: str = "auto") -> DevicePlan:
    """CUDA when present (bf16 where supported, else fp16), else MPS (fp16), else CPU (fp32).

    ``preference`` is the ``device`` setting: ``auto`` or a device to force; forcing a
    device that is not present raises ``RuntimeError`` rather than silently using the CPU.
    """
    if preference == "cpu":
        return DevicePlan("cpu", torch.float32, 1)
    if preference in ("auto", "cuda") and torch.cuda.is_available():
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return DevicePlan("cuda", dtype, 8)
    if preference in ("auto", "mps") and torch.backends.mps.is_available():
        return DevicePlan("mps", torch.float16, 4)
    if preference != "auto":
        raise RuntimeError(f"device setting is '{preference}' but no such device is available")
    return DevicePlan("cpu", torch.float32, 1)
