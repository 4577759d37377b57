"""What sealed views cost the reads (issue 13): report, listing, dossiers and the hearing
register over a demo year, cold (first read in a process: subject keys read, values
decrypted) and warm (min of 15).

    PYTHONPATH=src python bench/privacy_reads.py [STORE_URL]

Run it on two trees (e.g. before and after sealing) to compare; docs/performance.md has
the figures.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable

from supervision_ledger import Ledger
from supervision_ledger.demo.runner import run_demo


def best(action: Callable[[], object], runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{directory}/demo.db"
        with Ledger(store=url) as ledger:
            run_demo(ledger, 2023)
            ledger.catch_up()
        with Ledger(store=url) as ledger:  # a fresh process's state: nothing in memory
            ledger.catch_up()
            cold_hearings = best(lambda: ledger.hearings("QY-QC"), 1)
            cold_listing = best(lambda: ledger.listing("case", limit=200), 1)
            people = ("QC-TZ-01", "QC-TZ-02", "QC-RT-01")
            warm = {
                "report": best(
                    lambda: ledger.statistics("QY-QC", start="2023-01-01", end="2023-12-31")
                ),
                "listing(200)": best(lambda: ledger.listing("case", limit=200)),
                "3 dossiers": best(lambda: [ledger.dossier(key) for key in people]),
                "hearings": best(lambda: ledger.hearings("QY-QC")),
            }
    print(f"cold: hearings {cold_hearings:.1f} ms, listing(200) {cold_listing:.1f} ms")
    print("warm: " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in warm.items()))


if __name__ == "__main__":
    main()
