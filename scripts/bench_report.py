"""Replaces one section of BENCHMARKS.md with a new report, keeping the others. A section is
known by its heading up to the first " (" (the date and machine follow it).

    python3 scripts/bench_report.py BENCHMARKS.md "$report"
"""
import re
import sys

PREAMBLE = ("# Faro benchmarks\n\nFigures from `make bench` on the project's machines. "
            "Each section is replaced when it is measured again.\n")


def rewrite_section(path, report):
    try:
        text = open(path).read()
    except FileNotFoundError:
        text = PREAMBLE
    heading = report.splitlines()[0].split(" (")[0]
    sections = re.split(r"(?m)^(?=## )", text)
    kept = [section for section in sections if not section.startswith(heading)]
    open(path, "w").write("".join(kept).rstrip() + "\n\n" + report + "\n")


if __name__ == "__main__":
    rewrite_section(sys.argv[1], sys.argv[2])
