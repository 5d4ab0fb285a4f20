#!/usr/bin/env bash
# Regenerates fixtures.tsv: bcrypt hashes (cost 10) made by three independent tools,
# then cross-verifies every row (see verify.sh).
#
# Requirements (Debian 12): apt-get install php-cli python3-bcrypt apache2-utils
# Uses /usr/bin/python3 (Debian's python3-bcrypt), NOT any pyenv/venv python3 on PATH.
#
# Python is only the driver: passwords are kept as raw UTF-8 bytes and handed to
# each tool byte-exactly (PHP via stdin, htpasswd via argv bytes).
set -euo pipefail
cd "$(dirname "$0")"

/usr/bin/python3 - <<'PY'
import subprocess, bcrypt

PASSWORDS = [
    "s3cret-Passw0rd",
    "correct horse battery staple",
    "pässwörd-ünïcode-密码",
    "emoji-🔑-key",
    "A" * 72,        # exactly 72 ASCII bytes
    "é" * 36,        # exactly 72 UTF-8 bytes (36 x C3 A9)
    "x",
]
PWS = [p.encode("utf-8") for p in PASSWORDS]
assert len(PWS[4]) == 72 and len(PWS[5]) == 72

PHP = 'echo password_hash(stream_get_contents(STDIN), PASSWORD_BCRYPT, ["cost" => 10]);'

def php_password_hash(pw):
    return subprocess.run(["php", "-r", PHP], input=pw, capture_output=True, check=True).stdout.decode("ascii")

def python_bcrypt(pw):
    return bcrypt.hashpw(pw, bcrypt.gensalt(rounds=10)).decode("ascii")

def htpasswd(pw):
    out = subprocess.run([b"htpasswd", b"-nbB", b"-C", b"10", b"user", pw],
                         capture_output=True, check=True).stdout.decode("ascii")
    line = out.strip().splitlines()[0]
    assert line.startswith("user:"), line
    return line[len("user:"):]

def python_bcrypt_2a(pw):
    return bcrypt.hashpw(pw, bcrypt.gensalt(rounds=10, prefix=b"2a")).decode("ascii")

SOURCES = [
    ("php-password_hash", php_password_hash, "$2y$10$"),
    ("python-bcrypt",     python_bcrypt,     "$2b$10$"),
    ("htpasswd",          htpasswd,          "$2y$10$"),
    ("python-bcrypt-2a",  python_bcrypt_2a,  "$2a$10$"),
]

with open("fixtures.tsv", "w", encoding="ascii", newline="\n") as f:
    f.write("source\tpassword_utf8_hex\thash\n")
    for name, fn, prefix in SOURCES:
        for pw in PWS:
            h = fn(pw)
            assert h.startswith(prefix) and len(h) == 60, (name, h)
            f.write(f"{name}\t{pw.hex()}\t{h}\n")
print("wrote fixtures.tsv")
PY

./verify.sh
