#!/usr/bin/env bash
# Cross-verifies fixtures.tsv with two tools independent of the Java code:
#   - Python bcrypt.checkpw ($2y$ mapped to $2b$; same algorithm, prefix only)
#   - PHP password_verify (accepts $2a$/$2b$/$2y$ natively)
# Every row must verify with its password; every row must NOT verify with a
# wrong password (the password with its last byte XOR 0x01).
set -euo pipefail
cd "$(dirname "$0")"

/usr/bin/python3 - <<'PY'
import subprocess, bcrypt, collections

PHP = ('$in = explode("\\n", stream_get_contents(STDIN), 2); '
       'echo password_verify(hex2bin($in[0]), trim($in[1])) ? "1" : "0";')

def php_verify(pw, h):
    r = subprocess.run(["php", "-r", PHP], input=(pw.hex() + "\n" + h).encode(),
                       capture_output=True, check=True).stdout.decode()
    return r == "1"

def py_verify(pw, h):
    if h.startswith("$2y$"):
        h = "$2b$" + h[4:]
    return bcrypt.checkpw(pw, h.encode("ascii"))

rows = [l.rstrip("\n").split("\t") for l in open("fixtures.tsv", encoding="ascii")]
assert rows[0] == ["source", "password_utf8_hex", "hash"], rows[0]
counts, fails = collections.Counter(), 0
for src, pwhex, h in rows[1:]:
    pw = bytes.fromhex(pwhex)
    wrong = pw[:-1] + bytes([pw[-1] ^ 0x01])
    res = {
        "py_ok": py_verify(pw, h), "php_ok": php_verify(pw, h),
        "py_wrong": py_verify(wrong, h), "php_wrong": php_verify(wrong, h),
    }
    good = res["py_ok"] and res["php_ok"] and not res["py_wrong"] and not res["php_wrong"]
    counts[src] += 1
    if not good:
        fails += 1
    print(("OK  " if good else "FAIL"), src, pw.decode("utf-8"), h, res)
print(dict(counts))
if fails:
    raise SystemExit(f"{fails} row(s) failed verification")
print(f"all {sum(counts.values())} rows verified (correct pw accepted, wrong pw rejected) by python-bcrypt and php")
PY
