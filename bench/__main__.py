"""`make bench`: run every bench/bench_*.py module's main() in turn, each in its own process."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failures = 0
    for path in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {path.stem} ===", flush=True)
        failures += subprocess.call([sys.executable, "-m", f"bench.{path.stem}", *sys.argv[1:]], cwd=HERE.parent) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
