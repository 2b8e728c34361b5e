"""Run by test_engine_recovery.py in a subprocess that the test kills with SIGKILL in step 4.

Usage: python engine_crash_worker.py DB SIDE_EFFECT_FILE READY_FILE
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from engine_helpers import SideEffectFlow

from leaselab_desktop.engine import Engine


async def main(db: Path, side: Path, ready: Path) -> None:
    engine = Engine(db, {"crashy": SideEffectFlow(side, hang_at="step-4", ready=ready)})
    await engine.start()
    await engine.workflow("crashy").create(id="crash-1", params={"lead": 42})
    await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])))
