#!/usr/bin/env python3
"""`phone batch` throughput against libphonenumber-js on the same 20,000 mixed-country lines, in
the same run (alternating, median of several runs, whole processes: start-up included).
Figures for notes, not a test:

    mkdir -p /tmp/ljs && (cd /tmp/ljs && npm install libphonenumber-js)
    cargo build --release -p mail-identity-cli
    python3 crates/cli/differential/phone_reference.py corpus > /tmp/corpus.jsonl   # needs phonenumbers
    python3 crates/cli/bench/batch_throughput.py /tmp/corpus.jsonl target/release/mail-identity-cli /tmp/ljs

The JavaScript side (libphonenumber_js_batch.cjs) does the same work per line: parse the JSON,
parse the number with the region as default country, validity, type, the form's decision, the
three formats, one JSON line out.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time

LINES = 20_000
RUNS = 7


def main():
    corpus, cli, ljs_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(corpus, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    picked = random.Random(7).sample(lines, LINES)
    batch = "".join(json.dumps({"input": l["input"], "region": l["region"]}, ensure_ascii=False) + "\n" for l in picked).encode()
    regions = len({l["region"] for l in picked})
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "libphonenumber_js_batch.cjs")
    env = dict(os.environ, NODE_PATH=os.path.join(ljs_dir, "node_modules"))
    commands = {"mail-identity-cli": [cli, "phone", "batch"], "libphonenumber-js": ["node", script]}
    times = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, command in commands.items():
            start = time.perf_counter()
            done = subprocess.run(command, input=batch, capture_output=True, env=env, check=True)
            times[name].append(time.perf_counter() - start)
            written = done.stdout.count(b"\n")
            if written != LINES:
                raise SystemExit(f"{name} wrote {written} lines for {LINES}")
    print(f"{LINES} lines, {regions} distinct regions, median of {RUNS} runs (whole process)")
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, median in medians.items():
        print(f"  {name:<18} {median * 1000:8.1f} ms  {LINES / median:10.0f} lines/s")
    print(f"  ratio (libphonenumber-js time / core time): {medians['libphonenumber-js'] / medians['mail-identity-cli']:.2f}x")


if __name__ == "__main__":
    main()
