"""The load test's table (run by bin/loadtest.sh with the load-test virtualenv's
Python; standard library only).

    python tests/load/report.py STATUS.json OUT.md

Reads what the locustfile wrote when it stopped, prints (and writes to OUT.md)
one row a page: requests, 5xx answers, other failures (a form that did not
save, a 4xx) and the 95th percentile of the response time, then the totals.
Exit status 1 if any answer was a 5xx.
"""

import json
import sys


def row(label, requests, five_xx, failures, p95):
    return f"| {label} | {requests} | {five_xx} | {failures - five_xx} | {p95:.0f} |"


def main(status_path, out_path):
    with open(status_path, encoding="utf-8") as status_file:
        status = json.load(status_file)
    pages = status["pages"]
    lines = [
        "| Page | Requests | 5xx | Other failures | p95, ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for page in pages:
        label = f"`{page['method']} {page['name']}`"
        lines.append(row(label, page["requests"], page["5xx"], page["failures"], page["p95"]))
    total = {key: sum(page[key] for page in pages) for key in ("requests", "failures", "5xx")}
    lines.append(row("**all**", total["requests"], total["5xx"], total["failures"], status["p95"]))
    text = "\n".join(lines)
    print(text)
    with open(out_path, "w", encoding="utf-8") as out:
        out.write(text + "\n")
    return total["5xx"]


if __name__ == "__main__":
    sys.exit(1 if main(*sys.argv[1:3]) else 0)
