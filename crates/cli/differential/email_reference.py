#!/usr/bin/env python3
"""The reference side of the e-mail differential test: Python `email-validator` (pinned, strict,
no deliverability check) judging the committed corpus the core is judged on.

    email_reference.py judge < email_corpus.jsonl > reference.jsonl
    email_reference.py compare email_corpus.jsonl reference.jsonl ours.jsonl email_differences.jsonl

`ours.jsonl` is `mail-identity-cli email batch` on the same corpus. Two verdicts agree when both
accept the address and store the same address (domain in ASCII), or both refuse it. `compare`
prints the agreement, per corpus source and in all, and exits 1 on any disagreement that is not
in the reviewed list of deliberate differences (`email_differences.jsonl`: the input, both
verdicts as recorded, and why the form decides otherwise), or when a listed difference is gone
or has changed, so that the list stays true. Run by `cargo xtask test email-diff`.
"""

import json
import sys
from collections import Counter

PINNED_VERSION = "2.4.0"


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def judge(stdin, stdout):
    import email_validator
    from importlib.metadata import version

    if version("email-validator") != PINNED_VERSION:
        sys.exit(f"email-validator {PINNED_VERSION} is required, found {version('email-validator')}")
    for line in stdin:
        if not line.strip():
            continue
        text = json.loads(line)["input"]
        try:
            valid = email_validator.validate_email(text, check_deliverability=False, strict=True)
            result = {"ok": True, "address": valid.ascii_email or valid.normalized, "reason": None}
        except email_validator.EmailNotValidError as error:
            result = {"ok": False, "address": None, "reason": str(error)}
        stdout.write(json.dumps({"input": text, **result}, ensure_ascii=False) + "\n")


def verdict_ours(line):
    return f"ok:{line['address']}" if line["ok"] else line["error"]


def verdict_peer(line):
    return f"ok:{line['address']}" if line["ok"] else "refused"


def agree(ours, peer):
    if ours["ok"] and peer["ok"]:
        return ours["address"] == peer["address"]
    return ours["ok"] == peer["ok"]


def compare(corpus_path, reference_path, ours_path, differences_path):
    corpus = read_jsonl(corpus_path)
    reference = read_jsonl(reference_path)
    ours = read_jsonl(ours_path)
    listed = {item["input"]: item for item in read_jsonl(differences_path)}
    if not (len(corpus) == len(reference) == len(ours)):
        sys.exit(f"line counts differ: corpus {len(corpus)}, reference {len(reference)}, ours {len(ours)}")

    total, agreed = Counter(), Counter()
    unexplained, changed = [], []
    seen = set()
    for case, peer, mine in zip(corpus, reference, ours):
        if not (case["input"] == peer["input"] == mine["input"]):
            sys.exit(f"the outputs are out of step at {case['input']!r}")
        source = case["source"]
        total[source] += 1
        if agree(mine, peer):
            agreed[source] += 1
            continue
        entry = listed.get(case["input"])
        got = (verdict_ours(mine), verdict_peer(peer))
        if entry is None:
            unexplained.append((case["input"], *got, peer["reason"]))
        elif (entry["ours"], entry["peer"]) != got:
            changed.append((case["input"], *got, entry["ours"], entry["peer"]))
        else:
            seen.add(case["input"])
    stale = sorted(set(listed) - seen - {c[0] for c in changed})

    print(f"email-validator {PINNED_VERSION} (strict, no deliverability check) against the core:")
    for source in sorted(total):
        print(f"  {source:34} {agreed[source]:4}/{total[source]:<4} agree "
              f"({100 * agreed[source] / total[source]:5.1f} %)")
    all_total, all_agreed = sum(total.values()), sum(agreed.values())
    explained = len(seen)
    print(f"  {'all':34} {all_agreed:4}/{all_total:<4} agree ({100 * all_agreed / all_total:.1f} %); "
          f"{explained} deliberate differences listed with their reason")
    for text, ours_v, peer_v, reason in unexplained:
        print(f"UNEXPLAINED {text!r}: ours {ours_v}, email-validator {peer_v} ({reason})")
    for text, ours_v, peer_v, was_ours, was_peer in changed:
        print(f"CHANGED {text!r}: ours {ours_v}, email-validator {peer_v}; listed as {was_ours} / {was_peer}")
    for text in stale:
        print(f"STALE {text!r}: listed as a difference but the verdicts now agree (or it left the corpus)")
    if unexplained or changed or stale:
        print(f"{len(unexplained)} unexplained, {len(changed)} changed, {len(stale)} stale: "
              f"review them and update {differences_path}")
        sys.exit(1)


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "judge":
        judge(sys.stdin, sys.stdout)
    elif command == "compare" and len(sys.argv) == 6:
        compare(*sys.argv[2:6])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8")
    sys.stdin.reconfigure(encoding="utf-8")
    main()
