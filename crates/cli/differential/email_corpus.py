#!/usr/bin/env python3
"""Builds the e-mail differential test's corpus (`email_corpus.jsonl`), which is committed: the
layer runs on the file, and this script says where every line comes from.

    email_corpus.py > email_corpus.jsonl

Sources, in order, each line tagged with its `source`:
- `email-validator-2.4.0-tests`: the first argument of every `pytest.mark.parametrize` case in the
  peer's own tests (tests/test_syntax.py, tests/test_main.py of its 2.4.0 source distribution,
  fetched with `pip download --no-binary :all:`); a lone surrogate, which no UTF-8 text can hold,
  is left out;
- `rfc-edge-cases`: RFC 5321/5322 edge cases written in the manner of the isemail suite (whose
  own test file is not in any PyPI source distribution);
- `korean-*`: what Korean employees type and paste: valid addresses at common providers, 한/영
  slips, 전각 mode, invisible characters, names from a mail client, internal and reserved
  domains, top-level domains with digits, typos and look-alikes, and plain mistakes.
"""

import ast
import json
import pathlib
import subprocess
import sys
import tarfile
import tempfile

PEER = "email-validator==2.4.0"

out = []
seen = set()


def add(source, s):
    if s in seen:
        return
    seen.add(s)
    out.append({"input": s, "source": source})


def peer_cases():
    """The peer's parametrized test inputs, in file order."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", "--disable-pip-version-check", PEER, "-d", tmp], check=True)
        archive = next(pathlib.Path(tmp).glob("*.tar.gz"))
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        tests = next(pathlib.Path(tmp).glob("*/tests"))
        cases = []
        for name in ["test_syntax.py", "test_main.py"]:
            tree = ast.parse((tests / name).read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize"):
                    continue
                if len(node.args) < 2:
                    continue
                try:
                    values = ast.literal_eval(node.args[1])
                except ValueError:
                    values = []
                    if isinstance(node.args[1], (ast.List, ast.Tuple)):
                        for elt in node.args[1].elts:
                            first = elt.elts[0] if isinstance(elt, ast.Tuple) and elt.elts else elt
                            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                                values.append(first.value)
                for value in values:
                    text = value[0] if isinstance(value, tuple) else value
                    if not isinstance(text, str):
                        continue
                    try:
                        text.encode("utf-8")
                    except UnicodeEncodeError:
                        continue
                    cases.append(text)
        return cases


for case in peer_cases():
    add("email-validator-2.4.0-tests", case)

# RFC 5321/5322 edge cases in the manner of the isemail suite (hand-written).
L64 = "a" * 64; L65 = "a" * 65
lab63 = "b" * 63; lab64 = "b" * 64
dom253 = ".".join(["c" * 63] * 3 + ["d" * 61]) ; assert len(dom253) == 253
rfc = [
 "test", "@", "test@", "test@io", "@io", "@iana.org", "test@iana.org", "test@nominet.org.uk",
 "test@about.museum", "a@iana.org", "test.test@iana.org", ".test@iana.org", "test.@iana.org",
 "test..iana.org", "test_exa-mple.com", "!#$%&`*+/=?^`{|}~@iana.org", "test\\@test@iana.org",
 "123@iana.org", "test@123.com", "test@iana.123", "test@255.255.255.255", "test@a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v",
 L64 + "@iana.org", L65 + "@iana.org", "test@" + lab63 + ".com", "test@" + lab64 + ".com",
 "a@" + dom253, "a@" + dom253 + "e", L64 + "@" + ".".join(["c" * 63, "c" * 63, "d" * 57]),
 L64 + "@" + ".".join(["c" * 63, "c" * 63, "d" * 58]),
 "test@mason-dixon.com", "test@-iana.org", "test@iana-.com", "test@c--n.com", "test@iana.co-uk",
 "test@.iana.org", "test@iana.org.", "test@iana..com", "a@a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z",
 "\"test\"@iana.org", "\"\"@iana.org", "\"\"\"@iana.org", "\"\\a\"@iana.org", "\"\\\"\"@iana.org",
 "\"test\\ test\"@iana.org", "test\"text\"@iana.org", "\"test\"\"test\"@iana.org", "\"test\".\"test\"@iana.org",
 "\"test.test\"@iana.org", "\"test@test\"@iana.org", "test@[255.255.255.255]", "test@a[255.255.255.255]",
 "test@[255.255.255]", "test@[255.255.255.256]", "test@[IPv6:1111:2222:3333:4444:5555:6666:7777:8888]",
 "test@[IPv6:1111::8888]", "test@[1.2.3.4", " test @iana.org", "test@ iana .com", "test . test@iana.org",
 "(comment)test@iana.org", "test@(comment)iana.org", "test(comment)@iana.org", "test@iana.org(comment)",
 "test@iana(comment).org", "\r\n test@iana.org", "test@iana.org\r\n", "test\r\n@iana.org",
 "test@iana/icann.org", "test.(comment)test@iana.org", "test@xn--hxajbheg2az3al.xn--jxalpdlp",
 "xn--test@iana.org", "test@iana.org-", "test@iana.org\\", "test@[\\\\]", "test@exam_ple.com",
 "te st@iana.org", "test@ia na.org", "tést@iana.org", "test@iàna.org", "θσερ@εχαμπλε.ψομ",
 "\u00e9@iana.org", "test@\u2603.com", "test@ex\u00adample.com", "test@exa\u200bmple.com",
 "user@domain.com.", "user@localhost", "user@com", "user@-.com", "a-@iana.org", "-a@iana.org",
 "a+b@iana.org", "a=b@iana.org", "a'b@iana.org", "a/b@iana.org", "{a}@iana.org", "a|b@iana.org",
 "a~b@iana.org", "a^b@iana.org", "a`b@iana.org", "a#b@iana.org", "a?b@iana.org", "a%b@iana.org",
 "a&b@iana.org", "a*b@iana.org", "a!b@iana.org", "a$b@iana.org", "a,b@iana.org", "a;b@iana.org",
 "a:b@iana.org", "a<b@iana.org", "a>b@iana.org", "a[b@iana.org", "a]b@iana.org", "a(b@iana.org",
 "a)b@iana.org", "a\\b@iana.org", "a\"b@iana.org",
]
for s in rfc: add("rfc-edge-cases", s)

# Korean employees' input.
locals_ = ["hong", "gildong.hong", "minjun.kim", "seoyeon_lee", "jiwoo-park", "yuna+shop", "kim2024", "choi.s"]
providers = ["naver.com", "gmail.com", "daum.net", "hanmail.net", "kakao.com", "nate.com", "outlook.com",
             "hotmail.com", "icloud.com", "yahoo.com", "korea.kr", "yahoo.co.kr", "proton.me", "mail.com",
             "gmx.com", "ymail.com", "hotmail.co.kr", "samsung.com", "snu.ac.kr", "company.co.kr"]
for l in locals_:
    for d in providers:
        add("korean-valid", f"{l}@{d}")

# 두벌식 reading of Latin text: the keys as an IME in 한글 mode would show them (jamo, not composed).
KEYS = {"r":"ㄱ","R":"ㄲ","s":"ㄴ","e":"ㄷ","E":"ㄸ","f":"ㄹ","a":"ㅁ","q":"ㅂ","Q":"ㅃ","t":"ㅅ","T":"ㅆ","d":"ㅇ",
        "w":"ㅈ","W":"ㅉ","c":"ㅊ","z":"ㅋ","x":"ㅌ","v":"ㅍ","g":"ㅎ","k":"ㅏ","o":"ㅐ","i":"ㅑ","O":"ㅒ","j":"ㅓ",
        "p":"ㅔ","u":"ㅕ","P":"ㅖ","h":"ㅗ","y":"ㅛ","n":"ㅜ","b":"ㅠ","m":"ㅡ","l":"ㅣ"}
def jamo(text): return "".join(KEYS.get(c, c) for c in text)
slips = {"naver.com": "ㅜㅁㅍㄷㄱ.채ㅡ", "gmail.com": "ㅎㅡ먀ㅣ.채ㅡ", "daum.net": "ㅇ며ㅡ.ㅜㄷㅅ",
         "hanmail.net": "ㅗ무ㅡ먀ㅣ.ㅜㄷㅅ", "kakao.com": "ㅏ마매.채ㅡ", "nate.com": "ㅜㅁㅅㄷ.채ㅡ",
         "outlook.com": "ㅐㅕ싸ㅐㅐㅏ.채ㅡ", "icloud.com": "ㅑ칠ㅐㅕㅇ.채ㅡ"}
for d, typed in slips.items():
    for l in ["hong", "minjun.kim", "s.lee"]:
        add("korean-hangul-mode", f"{l}@{typed}")
        add("korean-hangul-mode", f"{l}@{jamo(d)}")
        add("korean-hangul-mode", f"{l}@{d.split('.')[0]}.채ㅡ")
    add("korean-hangul-mode", f"{jamo('hong')}@{d}")
    add("korean-hangul-mode", f"ㅙㅜㅎ@{d}")
    add("korean-hangul-mode", f"ㅙㅜㅎ@{typed}")
for s in ["홍길동@naver.com", "길동@gmail.com", "hong@네이버.com", "hong@한국.kr", "hong@카카오mail.kr",
          "ㅙㅜㅎ@company.co.kr", "hong@ㆍ.com", "hong@\u1102\u1161ver.com"]:
    add("korean-hangul-mode", s)

fw = lambda t: "".join(chr(ord(c) + 0xFEE0) if 0x21 <= ord(c) <= 0x7E else c for c in t)
for a in ["hong@naver.com", "minjun.kim@gmail.com", "s_lee@daum.net", "yuna+shop@kakao.com"]:
    add("korean-full-width", fw(a))
    l, d = a.split("@")
    add("korean-full-width", l + "＠" + d)
    add("korean-full-width", fw(l) + "@" + d)
    add("korean-full-width", l + "@" + fw(d))
    add("korean-full-width", l + "@" + d.replace(".", "．"))
    add("korean-full-width", l + "@" + d.replace(".", "。"))
    for inv in ["\u200b", "\ufeff", "\u200d", "\u200c", "\u2060", "\u00ad", "\u3000", " ", "\t"]:
        add("korean-invisible", inv + a)
        add("korean-invisible", a + inv)
    add("korean-invisible", l[:2] + "\u200b" + l[2:] + "@" + d)
    for pasted in [f"홍길동 <{a}>", f"\"Hong Gildong\" <{a}>", f"<{a}>", f"mailto:{a}", f"MAILTO:{a}",
                   f"mailto:{a}?subject=hi", f"홍길동 ＜{a}＞", f"김민준(인사팀) <{a}>", f"{a};", f"{a},",
                   f"'{a}'", f"\"{a}\""]:
        add("korean-pasted", pasted)

for d in ["gcloud.local", "corp.gcloud.local", "mail.localhost", "localhost", "naver.test", "a.invalid",
          "company.example", "example.com", "example.net", "example.org", "mail.example.com",
          "abcdefghijklmnop.onion", "nas.home.arpa", "hr.internal", "gcloud.corp", "nas.lan",
          "intranet.gcloud.local", "gcloud.intranet", "gcloud.private", "gcloud.home", "1.0.0.127.in-addr.arpa",
          "example.co.kr", "local.co.kr", "test.com", "localhost.kr", "internal.co.kr"]:
    add("korean-reserved", f"hong@{d}")
for d in ["naver.c0m", "daum.ne7", "bbc.co-uk", "naver.c_m", "naver.1com", "gmail.co1", "naver.c", "naver.k",
          "naver.123", "naver.xn--3e0b707e", "naver.한국", "naver.co.kr", "naver.museum", "naver.r", "naver.-com"]:
    add("korean-tld", f"hong@{d}")
for d in ["naver.con", "naver.co", "navre.com", "nave.com", "gmial.com", "gmail.co", "gmai.com", "hanmial.net",
          "hanmail.com", "daum.com", "kakao.co", "natee.com", "outlok.com", "hotmial.com", "iclod.com",
          "yaho.com", "navér.com", "gmäil.com", "naver.cmo", "nvaer.com", "n\u0430ver.com", "gm\u0430il.com",
          "xn--nver-53d.com", "\u0441\u043e\u0441\u043e.com", "яндекс.рф", "münchen.de", "ελλάδα.gr"]:
    add("korean-typos-and-look-alikes", f"hong@{d}")
for s in ["", " ", "hong", "hong@", "@naver.com", "hong@@naver.com", "hong@naver", "hong.@naver.com",
          ".hong@naver.com", "ho..ng@naver.com", "ho ng@naver.com", "hong@naver..com", "hong@naver.com.",
          "hong@.naver.com", "hong@naver_com", "hong@naver,com", "hong,naver.com", "hong@naver.com@naver.com",
          "\"hong\"@naver.com", "hong@[192.0.2.1]", "hong@192.0.2.1", "hong(at)naver.com", "hong at naver dot com"]:
    add("korean-mistakes", s)


sys.stdout.reconfigure(encoding="utf-8")
for item in out:
    sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
