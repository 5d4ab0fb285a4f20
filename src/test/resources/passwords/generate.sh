#!/usr/bin/env bash
# Regenerates vectors.tsv: password hashes in every format account-auth reads, each made by the software that makes
# it in the wild (the fast scheme, account-auth's own, by Python's hashlib/hmac: a second implementation of docs/PASSWORDS.md).
#
# Requirements (Debian 12): apt-get install mosquitto php-cli python3-passlib python3-argon2
# Uses /usr/bin/python3 (Debian's packages), NOT any pyenv/venv python3 on PATH.
# Python is only the driver: passwords are raw UTF-8 bytes, handed to each tool byte-exactly.
# Costs are kept small where the tool allows (the unit tests run every row); one row per tool keeps its defaults.
set -euo pipefail
cd "$(dirname "$0")"

/usr/bin/python3 - <<'PY'
import base64, hashlib, hmac, os, subprocess, tempfile
import argon2
from passlib.hash import pbkdf2_sha256, pbkdf2_sha512, django_pbkdf2_sha256

PASSWORDS = [
    "s3cret-Passw0rd",
    "pässwörd-ünïcode-密码",
    "emoji-🔑-key",
    "A" * 72,
    "x",
]
PWS = [p.encode("utf-8") for p in PASSWORDS]
# the pepper of the fast scheme's HMAC rows (ACCOUNT_AUTH_TEST_PEPPER in the tests)
PEPPER = b"test-pepper-0123456789abcdef"

def mosquitto(algorithm):
    def make(pw):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "pw")
            subprocess.run([b"mosquitto_passwd", b"-H", algorithm.encode(), b"-c", b"-b", path.encode(), b"user", pw],
                           check=True, capture_output=True)
            line = open(path, "rb").read().decode("ascii").strip()
        assert line.startswith("user:"), line
        return line[len("user:"):]
    return make

def php(algo, options):
    code = 'echo password_hash(stream_get_contents(STDIN), %s, %s);' % (algo, options)
    return lambda pw: subprocess.run(["php", "-r", code], input=pw, capture_output=True, check=True).stdout.decode()

def argon2_cffi(**kw):
    return lambda pw: argon2.PasswordHasher(**kw).hash(pw)

def b64(raw):
    return base64.b64encode(raw).decode().rstrip("=")

def fast_sha256(pw):
    salt = os.urandom(16)
    return "$sha256$" + b64(salt) + "$" + b64(hashlib.sha256(salt + pw).digest())

def fast_hmac(pw):
    salt = os.urandom(16)
    key_id = hashlib.sha256(b"account-auth pepper\0" + PEPPER).hexdigest()[:8]
    return "$hmac-sha256$" + key_id + "$" + b64(salt) + "$" + b64(hmac.new(PEPPER, salt + pw, hashlib.sha256).digest())

SOURCES = [
    # name, format, maker, expected prefix, rows (None: all passwords)
    ("mosquitto_passwd-sha512-pbkdf2", "pbkdf2", mosquitto("sha512-pbkdf2"), "$7$101$", None),
    ("mosquitto_passwd-sha512", "mosquitto-sha512", mosquitto("sha512"), "$6$", None),
    ("passlib-pbkdf2_sha256", "pbkdf2", lambda pw: pbkdf2_sha256.using(rounds=1000).hash(pw), "$pbkdf2-sha256$1000$", None),
    ("passlib-pbkdf2_sha256-default", "pbkdf2", pbkdf2_sha256.hash, "$pbkdf2-sha256$29000$", 1),
    ("passlib-pbkdf2_sha512", "pbkdf2", lambda pw: pbkdf2_sha512.using(rounds=1000).hash(pw), "$pbkdf2-sha512$1000$", None),
    ("passlib-django_pbkdf2_sha256", "pbkdf2", lambda pw: django_pbkdf2_sha256.using(rounds=1000).hash(pw), "pbkdf2_sha256$1000$", None),
    ("hashlib-django-600000", "pbkdf2", lambda pw: "pbkdf2_sha256$600000$" + "NjSuzOBPM6zQmhLhr9bYvd" + "$" +
        base64.b64encode(hashlib.pbkdf2_hmac("sha256", pw, b"NjSuzOBPM6zQmhLhr9bYvd", 600000)).decode(), "pbkdf2_sha256$600000$", 1),
    ("argon2-cffi", "argon2id", argon2_cffi(memory_cost=1024, time_cost=2, parallelism=2), "$argon2id$v=19$m=1024,t=2,p=2$", None),
    ("argon2-cffi-default", "argon2id", argon2_cffi(), "$argon2id$v=19$m=102400,t=2,p=8$", 1),
    ("php-password_hash-argon2id", "argon2id", php("PASSWORD_ARGON2ID", '["memory_cost" => 1024, "time_cost" => 2, "threads" => 1]'), "$argon2id$v=19$m=1024,t=2,p=1$", None),
    ("php-password_hash-argon2id-default", "argon2id", php("PASSWORD_ARGON2ID", "[]"), "$argon2id$v=19$m=65536,t=4,p=1$", 1),
    ("hashlib-fast-sha256", "fast", fast_sha256, "$sha256$", None),
    ("hmac-fast-hmac-sha256", "fast", fast_hmac, "$hmac-sha256$", None),
]

with open("vectors.tsv", "w", encoding="utf-8", newline="\n") as f:
    f.write("source\tformat\tpassword_utf8_hex\thash\n")
    for name, fmt, make, prefix, rows in SOURCES:
        for pw in PWS[: rows or len(PWS)]:
            h = make(pw).strip()
            assert h.startswith(prefix), (name, h)
            f.write(f"{name}\t{fmt}\t{pw.hex()}\t{h}\n")
print("wrote vectors.tsv")
PY
