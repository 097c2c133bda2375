"""`mailkit init` makes dovecot's and sendmail's self-signed certificates where CentOS has them."""

import time

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.x509.oid import NameOID

from mailkit.core import config, tlscert
from mailkit.core.init import create_world


def test_init_makes_both_pairs_at_centos_paths(world):
    for pair, cert_path, key_path in ((tlscert.DOVECOT, "/etc/pki/dovecot/certs/dovecot.pem",
                                       "/etc/pki/dovecot/private/dovecot.pem"),
                                      (tlscert.SENDMAIL, "/etc/pki/tls/certs/sendmail.pem",
                                       "/etc/pki/tls/private/sendmail.key")):
        assert (pair.cert, pair.key) == (cert_path, key_path)
        cert = x509.load_pem_x509_certificate(world.path(cert_path).read_bytes())
        key = load_pem_private_key(world.path(key_path).read_bytes(), None)
        assert world.path(key_path).stat().st_mode & 0o777 == 0o600
        assert world.path(key_path).parent.stat().st_mode & 0o777 == 0o700
        assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
        assert cert.public_key() == key.public_key()
        host = config.load(world).hostname
        assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == host
        assert cert.issuer == cert.subject  # self-signed
        assert tlscert.server_context(world, pair) is not None


def test_init_again_keeps_the_certificates(world):
    before = {p: world.path(p).read_bytes() for pair in (tlscert.DOVECOT, tlscert.SENDMAIL)
              for p in (pair.cert, pair.key)}
    create_world(world.root)
    assert before == {p: world.path(p).read_bytes() for p in before}


def test_a_pair_is_made_in_milliseconds(world):
    world.path(tlscert.DOVECOT.cert).unlink()
    start = time.perf_counter()
    assert tlscert.ensure_pair(world, tlscert.DOVECOT, "mail.example.com")
    assert time.perf_counter() - start < 0.5
    assert not tlscert.ensure_pair(world, tlscert.DOVECOT, "mail.example.com")  # both there: kept
