"""In-process timing for the benchmarks that explain a whole-process figure: the median of several runs."""

import statistics
import time


def timed(fn, runs: int = 5) -> float:
    """Median wall time of fn() over `runs` calls, in seconds."""
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)
