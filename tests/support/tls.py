"""A throwaway CA and broker certificate for the live TLS tests, made with openssl."""

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BrokerCertificates:
    ca: Path  # PEM, what clients trust (KAFKA_SSL_CA_FILE)
    keystore: Path  # PKCS#12 with the broker's key and certificate chain
    password: str


def make_certificates(folder: Path, password: str = "keystore-secret") -> BrokerCertificates:
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca, key, csr, cert = (folder / n for n in ("ca.key", "ca.pem", "broker.key", "broker.csr", "broker.pem"))
    san = folder / "san.cnf"
    san.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    keystore = folder / "broker.p12"
    for command in (
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2",
         "-subj", "/CN=slt-test-ca"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost"],
        ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert, "-days", "2",
         "-extfile", san],
        ["pkcs12", "-export", "-in", cert, "-inkey", key, "-certfile", ca, "-out", keystore, "-passout",
         f"pass:{password}", "-name", "broker"],
    ):
        subprocess.run(["openssl", *map(str, command)], check=True, capture_output=True)
    return BrokerCertificates(ca, keystore, password)
