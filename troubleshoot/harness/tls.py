"""TLS material made for one run: a throw-away CA and a localhost leaf (trustme)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TLSFiles:
    cert: Path
    key: Path
    ca: Path

    def client_context(self) -> ssl.SSLContext:
        """Verifies the server against this run's CA only."""
        return ssl.create_default_context(cafile=str(self.ca))


def make_tls(folder: Path) -> TLSFiles:
    import trustme

    folder.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1", "localhost", "::1")
    files = TLSFiles(folder / "cert.pem", folder / "key.pem", folder / "ca.pem")
    leaf.private_key_pem.write_to_path(str(files.key))
    leaf.cert_chain_pems[0].write_to_path(str(files.cert))
    ca.cert_pem.write_to_path(str(files.ca))
    return files
