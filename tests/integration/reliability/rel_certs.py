"""Certificates for the private engine's TLS listener, made fresh for each test session.

A CA signs the daemon's certificate (for 127.0.0.1 and localhost) and a client
certificate; a second, unrelated CA is the "wrong CA" a client may be given.
"""

from __future__ import annotations

import datetime
import ipaddress
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(path, data, mode=0o644):
    with open(path, 'wb') as handle:
        handle.write(data)
    os.chmod(path, mode)
    return path


def _pem_key(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


def _builder(subject, issuer, public_key, days=2):
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=days)))


def _ca(common_name):
    key = _key()
    cert = (_builder(_name(common_name), _name(common_name), key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def _leaf(ca_key, ca_cert, common_name, usage, names=()):
    key = _key()
    builder = (_builder(_name(common_name), ca_cert.subject, key.public_key())
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage([usage]), critical=False))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(names)), critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def make_tls_material(directory):
    """Write ca.pem, server-{cert,key}.pem, cert.pem, key.pem and wrong-ca.pem; return their paths."""
    os.makedirs(directory, exist_ok=True)
    ca_key, ca_cert = _ca('labnet reliability test CA')
    server_key, server_cert = _leaf(ca_key, ca_cert, 'labnet private engine', ExtendedKeyUsageOID.SERVER_AUTH,
                                    [x509.DNSName('localhost'), x509.IPAddress(ipaddress.ip_address('127.0.0.1'))])
    client_key, client_cert = _leaf(ca_key, ca_cert, 'labnet test client', ExtendedKeyUsageOID.CLIENT_AUTH)
    dummy, wrong_cert = _ca('labnet unrelated CA')
    pem = serialization.Encoding.PEM
    paths = dict(
        ca=_write(os.path.join(directory, 'ca.pem'), ca_cert.public_bytes(pem)),
        server_cert=_write(os.path.join(directory, 'server-cert.pem'), server_cert.public_bytes(pem)),
        server_key=_write(os.path.join(directory, 'server-key.pem'), _pem_key(server_key), 0o600),
        client_cert=_write(os.path.join(directory, 'cert.pem'), client_cert.public_bytes(pem)),
        client_key=_write(os.path.join(directory, 'key.pem'), _pem_key(client_key), 0o600),
        wrong_ca=_write(os.path.join(directory, 'wrong-ca.pem'), wrong_cert.public_bytes(pem)),
    )
    return paths
