"""Named fault points: the process kills itself (SIGKILL) when it reaches the phase it was told to.

Crash tests must hit each window of a job every time (after staging, after a commit, between the
snapshot copy and the pointer swap, ...), which killing from outside at a moment chosen by timing
cannot do. The code calls ``faults.point("import.after_commit")`` at each such place; the job runner
arms one phase from the ``fault_point`` setting (``MA_FAULT_POINT``) when a job starts. Unarmed, a
point is one string comparison.
"""

from __future__ import annotations

import os
import signal

from models.settings import SettingsError

# Every point the code calls, with where it sits. docs/ARCHITECTURE.md, "What a crash leaves".
PHASES = {
    "import.after_staging": "the file is checked and staged; nothing is written yet",
    "import.after_commit": "the import's transaction has committed; marts and snapshot not yet",
    "marts.mid_rebuild": "half the marts rebuilt, inside the transaction (after an import, or refresh-marts)",
    "marts.mid_incremental": "an incremental refresh has deleted the touched sessions' rows and not yet rewritten them",
    "sentiment.after_batch": "a batch of review scores has committed",
    "segment.after_embeddings": "text embeddings committed; the run is not complete",
    "lake.after_partition": "a lake partition is renamed into place; the lake's manifest still names the old files",
    "publish.after_copy": "the new snapshot file is in place; CURRENT still names the old one",
    "publish.after_swap": "CURRENT names the new snapshot; old snapshots not yet removed",
}

_armed = ""


def arm(phase: str) -> None:
    """Kill this process at ``phase`` from now on; ``""`` disarms. Raises SettingsError for an unknown phase."""
    global _armed
    if phase and phase not in PHASES:
        raise SettingsError(f"setting 'fault_point' = {phase!r} is not a fault point; valid: {', '.join(PHASES)}")
    _armed = phase


def point(phase: str) -> None:
    """Die here, by SIGKILL (no cleanup, no finally blocks), when ``phase`` is the armed one."""
    if phase == _armed:
        os.kill(os.getpid(), signal.SIGKILL)
