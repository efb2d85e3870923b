"""The openssl steps of this entry's fixes, run as a person would in a shell.

``python convert.py pfx PASSWORD``: split ``site.pfx`` (PKCS#12) into
``cert.pem`` and an unencrypted ``key.pem``, then print the SHA-256 of each
public key (the certificate's, ``key.pem``'s and ``other-key.pem``'s): a key
belongs to the certificate when the digests match.

``python convert.py decrypt PASSWORD``: write ``encrypted-key.pem`` decrypted
to ``key.pem`` and make it readable by its owner only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def sh(*cmd: str, data: bytes | None = None) -> bytes:
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, input=data, capture_output=True, check=True).stdout


def digest(public_pem: bytes) -> str:
    return sh("openssl", "sha256", data=public_pem).decode().split()[-1]


mode, password = sys.argv[1], sys.argv[2]
passin = ("-passin", f"pass:{password}")
if mode == "pfx":
    sh("openssl", "pkcs12", "-in", "site.pfx", "-nokeys", "-out", "cert.pem", *passin)
    sh("openssl", "pkcs12", "-in", "site.pfx", "-nocerts", "-nodes", "-out", "key.pem", *passin)
    print("cert.pem", digest(sh("openssl", "x509", "-in", "cert.pem", "-noout", "-pubkey")))
    for key in ("key.pem", "other-key.pem"):
        print(key, digest(sh("openssl", "pkey", "-in", key, "-pubout")))
elif mode == "decrypt":
    sh("openssl", "pkey", "-in", "encrypted-key.pem", "-out", "key.pem", *passin)
    decrypted = Path("key.pem")
    decrypted.chmod(0o600)
    print(f"key.pem mode {decrypted.stat().st_mode & 0o777:o}")
else:
    sys.exit(f"unknown mode {mode}")
