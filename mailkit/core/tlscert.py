"""The host's self-signed TLS certificates, where a CentOS dovecot and sendmail keep theirs.

CentOS makes them at package install (dovecot's mkcert.sh, sendmail's %post): a key and a
self-signed certificate whose CN is the host's name. Here `mailkit init` makes them (and a
world made before gets them when a service starts). The key is EC P-256 so making one takes
milliseconds. `server_context` is what the servers hand to TLS; None when the files are
missing or unreadable, and the servers then answer as the real ones do without a certificate.
"""

from __future__ import annotations

import datetime
import ssl
from dataclasses import dataclass

from .world import World

DAYS = 365  # dovecot's mkcert.sh and sendmail's %post: valid one year


@dataclass(frozen=True)
class CertPair:
    cert: str  # host path of the PEM certificate
    key: str  # host path of the PEM private key (mode 0600)


DOVECOT = CertPair("/etc/pki/dovecot/certs/dovecot.pem", "/etc/pki/dovecot/private/dovecot.pem")
# the paths CentOS's sendmail.mc names in its (commented) confSERVER_CERT / confSERVER_KEY lines
SENDMAIL = CertPair("/etc/pki/tls/certs/sendmail.pem", "/etc/pki/tls/private/sendmail.key")


def _alt_names(hostname: str) -> list:
    """The host's name, and the loopback names every client of this host uses (the world is
    reached on 127.0.0.1 only), so a client given the certificate (curl --cacert, fetchmail
    sslcertfile) can check the name it dialled. CentOS's mkcert.sh names only the CN."""
    import ipaddress

    from cryptography import x509

    names = [x509.DNSName(n) for n in dict.fromkeys((hostname, "localhost"))]
    return names + [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]


def _make(hostname: str) -> tuple[bytes, bytes]:
    """(certificate PEM, key PEM) for `hostname`, self-signed."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "--"),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "SomeOrganizationalUnit"),
                      x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=DAYS))
            .add_extension(x509.SubjectAlternativeName(_alt_names(hostname)), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def ensure_pair(world: World, pair: CertPair, hostname: str) -> bool:
    """Make the pair unless both files are there (an administrator's own are kept). True if made."""
    cert, key = world.path(pair.cert), world.path(pair.key)
    if cert.exists() and key.exists():
        return False
    cert_pem, key_pem = _make(hostname)
    cert.parent.mkdir(parents=True, exist_ok=True)
    key.parent.mkdir(parents=True, exist_ok=True)
    key.parent.chmod(0o700)
    key.touch(mode=0o600)
    key.chmod(0o600)
    key.write_bytes(key_pem)
    cert.write_bytes(cert_pem)
    cert.chmod(0o644)
    return True


def host_name(world: World) -> str:
    """The name the certificates are made for: sendmail's $j, as the cf gives it."""
    from . import config
    try:
        return config.load(world).hostname
    except Exception:  # noqa: BLE001 - a broken cf still gets certificates, for the default name
        return config.DEFAULT_HOSTNAME


def ensure(world: World, hostname: str | None = None) -> None:
    """Both pairs (dovecot's and sendmail's), made where missing."""
    name = hostname or host_name(world)
    for pair in (DOVECOT, SENDMAIL):
        ensure_pair(world, pair, name)


def server_context(world: World, pair: CertPair) -> ssl.SSLContext | None:
    """A server-side context with the pair loaded, or None when it cannot be read."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        ctx.load_cert_chain(world.path(pair.cert), world.path(pair.key))
    except (OSError, ssl.SSLError, ValueError):
        return None
    return ctx


def ssl_reason(e: BaseException) -> str:
    """OpenSSL's words for a failed handshake ("wrong version number"), as the logs give them."""
    if isinstance(e, TimeoutError):  # asyncio.TimeoutError is TimeoutError since 3.11
        return "timeout"
    reason = getattr(e, "reason", None)
    return reason.lower().replace("_", " ") if reason else type(e).__name__
