"""The load test's table (run by bin/loadtest.sh with the load-test virtualenv's
Python; standard library only).

    python tests/load/report.py STATS.csv STATUS.json OUT.md

Prints, and writes to OUT.md, one row a page: requests, 5xx answers, other
failures (a form that did not save, a 4xx) and the 95th percentile of the
response time, then the totals. Exit status 1 if any answer was a 5xx.
"""

import csv
import json
import sys


def main(stats_path, status_path, out_path):
    with open(stats_path, encoding="utf-8") as stats_file:
        rows = list(csv.DictReader(stats_file))
    with open(status_path, encoding="utf-8") as status_file:
        five_xx = json.load(status_file)["5xx"]
    lines = [
        "| Page | Requests | 5xx | Other failures | p95, ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    total_5xx = 0
    for row in rows:
        name = row["Name"]
        aggregated = name == "Aggregated"
        errors = sum(five_xx.values()) if aggregated else five_xx.get(name, 0)
        total_5xx += 0 if aggregated else errors
        failures = int(row["Failure Count"]) - errors
        label = "**all**" if aggregated else f"`{row['Type']} {name}`"
        lines.append(f"| {label} | {row['Request Count']} | {errors} | {failures} | {row['95%']} |")
    text = "\n".join(lines)
    print(text)
    with open(out_path, "w", encoding="utf-8") as out:
        out.write(text + "\n")
    return total_5xx


if __name__ == "__main__":
    sys.exit(1 if main(*sys.argv[1:4]) else 0)
