"""How much of each property test's examples CI can afford on this machine.

Prints a fraction for CUSTSEG_EXAMPLES (see conftest.py): 1 on a machine at
least as fast as the slowest one the whole run fitted in 30 minutes at every
example (2 December 2026: pytest 16 minutes on 2 cores), falling as the
cube of the slowdown below it, never below 0.02. The machine of 5 December
2026 ran the same suite in 45 minutes, 2.8x slower; at 0.12 of the examples
(at least 5 a test) pytest took 19:22 there, the stage at the oldest
versions 6:41, and the whole run would have taken 38 minutes: hence the
cube (0.05 there). Speed is read off a fixed mixed workload (Python loops,
NumPy sorting and scatter), best of 3.
"""

from __future__ import annotations

import sys
import time

import numpy as np

#: seconds the workload took on the machine of 5 December 2026 (best of 3),
#: and how much slower that machine ran the test suite than the one of
#: 2 December
SLOW_SECONDS = 0.18
SLOWDOWN = 2.8


def workload() -> float:
    start = time.perf_counter()
    total = 0
    for i in range(1_500_000):
        total += i % 7
    rng = np.random.default_rng(0)
    x = rng.random(1_000_000)
    np.sort(x)
    codes = rng.integers(0, 100_000, 2_000_000)
    np.bincount(codes, weights=x[: len(codes) // 2].repeat(2))
    return time.perf_counter() - start


def main() -> int:
    seconds = min(workload() for _ in range(3))
    reference = SLOW_SECONDS / SLOWDOWN  # the 2 December machine
    fraction = max(0.02, min(1.0, (reference / seconds) ** 3))
    print(f"{fraction:.2f}")
    print(
        f"speed: workload {seconds:.3f} s (reference {reference:.3f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
