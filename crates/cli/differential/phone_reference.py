#!/usr/bin/env python3
"""The reference side of the phone differential test: Google's libphonenumber (python
`phonenumbers`, pinned to the metadata the Rust engine embeds) judging the same inputs with the
form's documented rules.

    phone_reference.py corpus            > corpus.jsonl     # the generated corpus (deterministic)
    phone_reference.py judge  < corpus.jsonl > reference.jsonl
    phone_reference.py compare corpus.jsonl reference.jsonl ours.jsonl [--min 99.9]

`judge` re-implements, independently of the Rust code, the rules the form adds around the
engine (see crates/core/src/phone: the 250-character limit, empty vs not a number, `00` read as
`+`, the reason order), so that what is compared is the decision, not the wrapping.
`compare` prints the agreement on `ok` (the form's decision) and every disagreement, and exits 1
below the threshold. Run by `cargo xtask test phone-diff`.
"""

import json
import random
import sys
import unicodedata

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType, ValidationResult

PINNED_VERSION = "9.0.42"
MAX_INPUT_CHARS = 250
SEPARATORS = set("-.()/[]~+\u00ad\u30fb\u00b7\u2212") | {chr(c) for c in range(0x2010, 0x2016)}

TYPE_NAMES = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}


# ---------------------------------------------------------------------------------------------
# judge: the form's decision on top of libphonenumber


# Labels people paste in front of a number, compared without spaces, dots, colons, slashes and
# parentheses, in lower case (the core's `strip_label`).
LABELS = {
    "휴대폰", "휴대폰번호", "휴대전화", "휴대전화번호", "핸드폰", "핸드폰번호", "전화", "전화번호",
    "연락처", "모바일", "hp", "cp", "handphone", "mobile", "mob", "cell", "cellphone", "phone",
    "tel", "m", "t",
}


def normalize(text):
    out = []
    for c in text:
        if c == "\u3000":
            out.append(" ")
        elif c in "\u30fc\uff70":
            out.append("-")
        elif "\uff01" <= c <= "\uff5e":
            out.append(chr(ord(c) - 0xFF01 + 0x21))
        elif unicodedata.category(c) == "Nd":
            out.append(str(unicodedata.decimal(c)))
        else:
            out.append(c)
    return "".join(out).strip()


def strip_label(text):
    for i, c in enumerate(text):
        if c.isascii() and (c.isdigit() or c == "+"):
            label = text[:i]
            if not label or label.lower() == "tel:":
                return text
            compact = "".join(ch for ch in label if not (ch.isspace() or ch in ".:/()")).lower()
            return text[i:] if compact in LABELS else text
    return text


def is_separator(c):
    return c.isspace() or c in SEPARATORS


def candidates(text):
    out = [text]
    for i, c in enumerate(text):
        if c.isascii() and (c.isdigit() or c == "+"):
            rest = text[i:]
            if rest.startswith("00") and len(rest) > 2 and rest[2] in "123456789":
                out.append("+" + rest[2:])
            break
    return out


def parse_best(text, region, domestic):
    readings = []
    for candidate in candidates(text):
        try:
            readings.append(phonenumbers.parse(candidate, region))
        except NumberParseException as error:
            readings.append(error)

    def pick(start, accept):
        for reading in readings[start:]:
            if not isinstance(reading, NumberParseException) and accept(reading):
                return reading
        return None

    if domestic:
        # A valid Korean reading, or `00` read as `+82`, before any other reading.
        korean = pick(0, lambda n: n.country_code == 82 and phonenumbers.is_valid_number(n))
        korean = korean or pick(1, lambda n: n.country_code == 82)
        if korean is not None:
            return korean
    found = pick(0, phonenumbers.is_valid_number) or pick(0, lambda n: True)
    return found if found is not None else readings[0]


def length_reason(number):
    reason = phonenumbers.is_possible_number_for_type_with_reason(number, PhoneNumberType.MOBILE)
    if reason == ValidationResult.TOO_SHORT:
        return "too_short"
    if reason == ValidationResult.TOO_LONG:
        return "too_long"
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        return "invalid_country_code"
    return "invalid_for_country"


def judge(text, region):
    result = dict(ok=False, valid=False, type=None, country=None, e164=None, national=None,
                  international=None, error=None)
    domestic = region is not None and region.upper() == "KR"
    default = "KR" if domestic else (region.upper() if region is not None else None)
    if default not in phonenumbers.SUPPORTED_REGIONS:
        default = None
    if len(text) > MAX_INPUT_CHARS:
        result["error"] = "not_a_number"
        return result
    norm = strip_label(normalize(text))
    digits = sum(1 for c in norm if c.isascii() and c.isdigit())
    others = sum(1 for c in norm if not (c.isascii() and c.isdigit()) and not is_separator(c))
    if digits == 0:
        result["error"] = "empty" if others == 0 else "not_a_number"
        return result
    if any(c.isalpha() and not c.isascii() for c in norm):
        result["error"] = "not_a_number"
        return result
    parsed = parse_best(norm, default, domestic)
    if isinstance(parsed, NumberParseException):
        kind = parsed.error_type
        if kind == NumberParseException.INVALID_COUNTRY_CODE:
            result["error"] = "invalid_country_code"
        elif kind in (NumberParseException.TOO_SHORT_AFTER_IDD, NumberParseException.TOO_SHORT_NSN):
            result["error"] = "too_short"
        elif kind == NumberParseException.TOO_LONG:
            result["error"] = "too_long"
        elif others == 0 and digits <= 2:
            result["error"] = "too_short"
        else:
            result["error"] = "not_a_number"
        return result
    number = parsed
    valid = phonenumbers.is_valid_number(number)
    kind = phonenumbers.number_type(number)
    result["valid"] = valid
    result["type"] = TYPE_NAMES[kind]
    result["country"] = phonenumbers.region_code_for_number(number)
    if valid:
        result["e164"] = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        result["national"] = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        result["international"] = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    if domestic:
        if number.country_code != 82:
            error = "foreign_number_in_domestic_mode"
        elif phonenumbers.is_valid_number_for_region(number, "KR"):
            error = None if kind == PhoneNumberType.MOBILE else "not_mobile"
        else:
            error = length_reason(number)
    else:
        if valid:
            ok_kind = kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
            error = None if ok_kind else "not_mobile"
        else:
            error = length_reason(number)
    result["error"] = error
    result["ok"] = error is None
    return result


def run_judge():
    if phonenumbers.__version__ != PINNED_VERSION:
        raise SystemExit(f"phonenumbers {phonenumbers.__version__} installed, {PINNED_VERSION} required")
    out = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        reply = {"id": request.get("id")}
        reply.update(judge(request["input"], request.get("region")))
        out.write(json.dumps(reply, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------
# corpus: what people type, from Korea and elsewhere, and junk


def fullwidth(text):
    return "".join(chr(ord(c) - 0x21 + 0xFF01) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


def mutations(rng, digits):
    """A digit dropped, added, replaced, or two swapped: the mistakes people make."""
    out = []
    if len(digits) > 3:
        i = rng.randrange(len(digits))
        out.append(digits[:i] + digits[i + 1:])
        i = rng.randrange(len(digits))
        out.append(digits[:i] + rng.choice("0123456789") + digits[i:])
        i = rng.randrange(len(digits))
        out.append(digits[:i] + rng.choice("0123456789") + digits[i + 1:])
        i = rng.randrange(len(digits) - 1)
        out.append(digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:])
    return out


def korean_styles(rng, national):
    """The ways one Korean national number (with its trunk 0) gets typed."""
    groups = split_kr(national)
    nsn = national[1:]
    styles = [
        "-".join(groups), national, " ".join(groups), ".".join(groups),
        f"({groups[0]}) " + "-".join(groups[1:]),
        "+82 " + nsn, "+82-" + "-".join([groups[0][1:]] + groups[1:]), "+82" + nsn,
        "+82 " + "-".join(groups), "82 " + nsn, "82" + nsn, "0082 " + nsn, "0082-" + nsn,
        "001 82 " + nsn, "00182" + nsn, "tel:+82-" + "-".join([groups[0][1:]] + groups[1:]),
        "tel:" + national + ";phone-context=+82", fullwidth("-".join(groups)),
        fullwidth("+82 " + nsn), " " + "-".join(groups) + " ", "-".join(groups) + " (휴대폰)",
        "010 " + national[3:], "+82 (0)" + nsn,
    ]
    return rng.sample(styles, k=min(6, len(styles)))


def split_kr(national):
    if national.startswith("02"):
        return [national[:2], national[2:-4], national[-4:]]
    if len(national) == 8:
        return [national[:4], national[4:]]
    return [national[:3], national[3:-4], national[-4:]]


def korean_numbers(rng):
    numbers = []
    for _ in range(700):
        numbers.append("010" + f"{rng.randrange(10**8):08d}")
    for prefix in ["011", "016", "017", "018", "019"]:
        for _ in range(40):
            numbers.append(prefix + f"{rng.randrange(10**7):07d}")
            numbers.append(prefix + f"{rng.randrange(10**8):08d}")
    for _ in range(150):
        numbers.append("070" + f"{rng.randrange(10**8):08d}")
    for _ in range(100):
        numbers.append("02" + f"{rng.randrange(10**7):07d}")
        numbers.append("02" + f"{rng.randrange(10**8):08d}")
    for area in ["031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "054", "055", "061", "062", "063", "064"]:
        for _ in range(12):
            numbers.append(area + f"{rng.randrange(10**7):07d}")
            numbers.append(area + f"{rng.randrange(10**8):08d}")
    for head in ["15", "16", "18"]:
        for _ in range(60):
            numbers.append(head + f"{rng.randrange(10**6):06d}")
    for prefix in ["080", "050", "060", "030", "012", "013"]:
        for _ in range(30):
            numbers.append(prefix + f"{rng.randrange(10**8):08d}")
            numbers.append(prefix + f"{rng.randrange(10**7):07d}")
    return numbers


def corpus_lines(rng):
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    lines = []

    def add(text, region):
        lines.append({"input": text, "region": region})

    # Korean numbers, typed every way, in domestic and overseas modes; and their mutations.
    for national in korean_numbers(rng):
        for style in korean_styles(rng, national):
            add(style, rng.choice(["KR", "KR", "KR", None, "US", "JP"]))
        for wrong in mutations(rng, national)[:2]:
            add(rng.choice([wrong, "-".join(split_kr(wrong)) if len(wrong) > 7 else wrong]), "KR")

    # Every country's example numbers of every type, in every format, and their mutations.
    types = [t for t in TYPE_NAMES if t != PhoneNumberType.UNKNOWN]
    for region in regions:
        for kind in types:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            formats = [
                phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL),
                phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL),
                phonenumbers.format_number(example, PhoneNumberFormat.E164),
                phonenumbers.format_number(example, PhoneNumberFormat.RFC3966),
            ]
            for text in formats:
                add(text, rng.choice([region, region, None, "KR", rng.choice(regions)]))
            nsn = phonenumbers.national_significant_number(example)
            for wrong in mutations(rng, nsn):
                add("+" + str(example.country_code) + " " + wrong, rng.choice([region, None, "KR"]))
                add(wrong, region)
            add("00" + str(example.country_code) + nsn, rng.choice([region, "KR", "US"]))

    # Random digit strings of every length, in random modes.
    for _ in range(3000):
        length = rng.randrange(1, 19)
        digits = "".join(rng.choice("0123456789") for _ in range(length))
        prefix = rng.choice(["", "", "+", "0", "00", "+82", "010"])
        add(prefix + digits, rng.choice(["KR", None, rng.choice(regions)]))

    # Junk and edge cases.
    junk = [
        "", " ", "   ", "-", "--", "()", "+", "++82", "abc", "휴대폰 없음", "공일공-1234-5678",
        "010-abcd-efgh", "1-800-FLOWERS", "+1 800 FLOWERS", "010-1234-5678 ext. 12", "010-1234-5678#1",
        ";phone-context=a;tel:", "010;phone-context=+82;tel:1", "tel:", "tel:+", "tel:;phone-context=+82",
        "010-1234-5678;phone-context=+82", "tel:1234;phone-context=example.com", "*123#", "#010",
        "0" * 30, "1" * 251, "010-1234-5678" + " " * 240, "０", "+８２", "📞 010-1234-5678",
        "010\u200b1234\u200b5678", "010\t1234\t5678", "010\n1234", "(+82) 10 1234 5678",
        "[010] 1234 5678", "010~1234~5678", "010 / 1234 / 5678", "٠١٠١٢٣٤٥٦٧٨", "०१०१२३४५६७८",
        "휴대폰: 010-1234-5678", "H.P 010-1234-5678", "Mobile +82 10-1234-5678", "Tel. 02-123-4567",
        "M. 010 1234 5678", "회사 010-1234-5678", "010ー1234ー5678", "0082-16-9083-8947",
        "0082 10 9083 8947", "0044 7400 123456", "H.P +1 201-555-0123",
    ]
    for text in junk:
        for region in ["KR", None, "US"]:
            add(text, region)
    for _ in range(1500):
        length = rng.randrange(0, 40)
        alphabet = "0123456789 +-().;:=tel#*xabc가나다０１２" + "\u3000"
        add("".join(rng.choice(alphabet) for _ in range(length)), rng.choice(["KR", None, rng.choice(regions), "ZZ"]))

    for i, line in enumerate(lines):
        line["id"] = i
    return lines


def run_corpus():
    rng = random.Random(20260101)
    for line in corpus_lines(rng):
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------
# compare


def run_compare(corpus_path, reference_path, ours_path, minimum):
    def load(path):
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    corpus, reference, ours = load(corpus_path), load(reference_path), load(ours_path)
    if not (len(corpus) == len(reference) == len(ours)):
        raise SystemExit(f"line counts differ: corpus {len(corpus)}, reference {len(reference)}, ours {len(ours)}")
    fields = ["ok", "error", "valid", "type", "e164"]
    agree = {f: 0 for f in fields}
    disagreements = []
    for request, theirs, mine in zip(corpus, reference, ours):
        if mine.get("id") != request["id"]:
            raise SystemExit(f"ours is out of order at id {request['id']}")
        for f in fields:
            agree[f] += theirs[f] == mine[f]
        if theirs["ok"] != mine["ok"]:
            disagreements.append((request, theirs, mine))
    total = len(corpus)
    rate = 100.0 * agree["ok"] / total
    print(f"phone differential: {total} inputs, libphonenumber (python phonenumbers {phonenumbers.__version__}) vs core")
    for f in fields:
        print(f"  agreement on {f:<6} {100.0 * agree[f] / total:8.3f} %")
    print(f"  disagreements on the form's decision: {len(disagreements)}")
    for request, theirs, mine in disagreements:
        print(f"    {json.dumps(request['input'], ensure_ascii=False)} region={request['region']}: "
              f"reference ok={theirs['ok']} ({theirs['error']}, {theirs['type']}), "
              f"core ok={mine['ok']} ({mine['error']}, {mine['type']})")
    if rate < minimum:
        print(f"FAIL: {rate:.3f} % agreement is below {minimum} %")
        sys.exit(1)
    print(f"pass: {rate:.3f} % ≥ {minimum} %")


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "corpus":
        run_corpus()
    elif command == "judge":
        run_judge()
    elif command == "compare" and len(sys.argv) >= 5:
        minimum = float(sys.argv[sys.argv.index("--min") + 1]) if "--min" in sys.argv else 99.9
        run_compare(sys.argv[2], sys.argv[3], sys.argv[4], minimum)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
