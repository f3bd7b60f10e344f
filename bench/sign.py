#!/usr/bin/python3
"""Signed PUT URLs for the benchmark (docs/protocol.md, section "Query-string tokens", protocol v1).

token = lowercase hex of HMAC-SHA256(key = secret as UTF-8, message = "<slot path> <Content-Length>")

The secret comes from the environment variable BENCH_SECRET, not from the command line, so it
does not show up in `ps`.

  sign.py token SLOT_PATH SIZE
      prints the token for one upload (used to seed the service).
  sign.py urls BASE PREFIX COUNT SIZE
      prints COUNT request targets "BASE<PREFIX>/<n>.bin?v=<token>", one a line, for the wrk PUT
      script. BASE is the context path with its trailing slash (e.g. /upload/); the slot path is
      "<PREFIX>/<n>.bin", so PREFIX must hold at least one segment (the service wants >= 2).

Only ASCII letters, digits, '-', '_' and '/' are accepted in slot paths here, so the signed
(percent-decoded) path and the path sent on the wire are the same string.
"""
import hashlib
import hmac
import os
import re
import sys

SAFE = re.compile(r"[A-Za-z0-9_./-]+")


def token(key: bytes, slot_path: str, size: int) -> str:
    return hmac.new(key, f"{slot_path} {size}".encode("utf-8"), hashlib.sha256).hexdigest()


def main(argv):
    secret = os.environ.get("BENCH_SECRET")
    if not secret:
        sys.exit("sign.py: BENCH_SECRET is not set")
    key = secret.encode("utf-8")
    if len(argv) == 4 and argv[1] == "token":
        slot_path, size = argv[2], int(argv[3])
        if not SAFE.fullmatch(slot_path):
            sys.exit(f"sign.py: slot path needs percent-encoding, not supported here: {slot_path!r}")
        print(token(key, slot_path, size))
    elif len(argv) == 6 and argv[1] == "urls":
        base, prefix, count, size = argv[2], argv[3].strip("/"), int(argv[4]), int(argv[5])
        if not SAFE.fullmatch(prefix):
            sys.exit(f"sign.py: prefix needs percent-encoding, not supported here: {prefix!r}")
        # One HMAC object keyed once, copied per message: about 1 s for 200k lines.
        keyed = hmac.new(key, digestmod=hashlib.sha256)
        out = sys.stdout
        lines = []
        for n in range(count):
            slot_path = f"{prefix}/{n:07d}.bin"
            mac = keyed.copy()
            mac.update(f"{slot_path} {size}".encode("utf-8"))
            lines.append(f"{base}{slot_path}?v={mac.hexdigest()}\n")
        out.writelines(lines)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
