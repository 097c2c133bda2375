"""What Dovecot's login processes (imap-login, pop3-login) offer and refuse before a user is in,
from dovecot.conf's ssl, disable_plaintext_auth, auth_mechanisms and login_trusted_networks.

A connection is "secured" when it is TLS, when the client's address is the server's own (a
client on the machine: 127.0.0.1 to 127.0.0.1; 127.0.0.2 to 127.0.0.1 is not), or when the
client is in login_trusted_networks. On a connection that is not secured, with
disable_plaintext_auth = yes (CentOS's default) or ssl = required, a password may not be sent
in the clear: IMAP says LOGINDISABLED and offers no AUTH=, POP3 drops USER and its SASL list,
and each attempt gets Dovecot's words (checked against Dovecot 2.3 by
tests/servers/test_dovecot_conf_vs_dovecot.py).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

SUPPORTED = ("PLAIN", "LOGIN")  # the SASL mechanisms mailkit's servers speak
PLAINTEXT = ("PLAIN", "LOGIN")  # mechanisms that send the password itself
# every mechanism Dovecot 2.3 knows (src/auth/mech-*.c)
KNOWN = ("PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "NTLM", "RPA", "APOP", "ANONYMOUS", "GSSAPI", "OTP",
         "GSS-SPNEGO", "EXTERNAL", "OAUTHBEARER", "XOAUTH2", "SCRAM-SHA-1", "SCRAM-SHA-256")

DISALLOWED = "Plaintext authentication disallowed on non-secure (SSL/TLS) connections."
DISABLED = "Plaintext authentication disabled."
SSL_REQUIRED = "Authentication not allowed until SSL/TLS is enabled."
UNSUPPORTED = "Unsupported authentication mechanism."
EXPOSED = ("Plaintext authentication not allowed without SSL/TLS, but your client did it anyway. "
           "If anyone was listening, the password was exposed.")


@dataclass(frozen=True)
class LoginPolicy:
    ssl: str = "required"  # no | yes | required
    disable_plaintext_auth: bool = True
    mechanisms: tuple = ("PLAIN",)  # auth_mechanisms, upper case, in order, those mailkit speaks
    secured: bool = True  # TLS, client on the server's own address, or a trusted network

    def tls(self) -> "LoginPolicy":
        """The same connection after STARTTLS/STLS: secured."""
        return LoginPolicy(self.ssl, self.disable_plaintext_auth, self.mechanisms, True)

    @property
    def plaintext_allowed(self) -> bool:
        return self.secured or (not self.disable_plaintext_auth and self.ssl != "required")

    @property
    def user_offered(self) -> bool:
        """POP3's CAPA lists USER unless disable_plaintext_auth hides it (ssl = required alone
        does not: USER is then refused when tried)."""
        return self.secured or not self.disable_plaintext_auth

    @property
    def offered(self) -> tuple:
        """The mechanisms announced (AUTH=..., SASL ...): none before TLS when ssl = required,
        none that send a password in the clear while disable_plaintext_auth refuses that."""
        if not self.secured and self.ssl == "required":
            return ()
        return tuple(m for m in self.mechanisms
                     if self.secured or not self.disable_plaintext_auth or m not in PLAINTEXT)

    def auth_refusal(self, mechanism: str) -> tuple[bool, str | None]:
        """(privacy?, why) an AUTHENTICATE / AUTH with `mechanism` is refused, in Dovecot's
        order: no authentication at all before TLS when ssl = required, then a mechanism the
        auth service does not have, then one sending the password in the clear while
        disable_plaintext_auth forbids it. (False, None): go ahead."""
        if not self.secured and self.ssl == "required":
            return True, SSL_REQUIRED
        if mechanism not in self.mechanisms:
            return False, UNSUPPORTED
        if not self.secured and self.disable_plaintext_auth and mechanism in PLAINTEXT:
            return True, DISABLED
        return False, None


def mechanisms_of(value: str) -> tuple[tuple, list]:
    """(the mechanisms mailkit offers, Dovecot's auth errors for the others) of auth_mechanisms."""
    offered, errors = [], []
    for word in value.replace(",", " ").split():
        mech = word.upper()
        if mech not in KNOWN:
            errors.append(f"Unknown authentication mechanism '{mech}'")
        elif mech not in SUPPORTED:
            errors.append(f"{mech} mechanism can't be supported with given passdbs")
        elif mech not in offered:
            offered.append(mech)
    return tuple(offered), errors


def is_secured(local_ip: str | None, remote_ip: str | None, trusted: str = "") -> bool:
    """Dovecot's client->secured before TLS: the client on the server's own address, or in
    login_trusted_networks (space or comma separated networks)."""
    if local_ip is None or remote_ip is None:
        return True  # no socket (a session driven directly): the machine itself
    if local_ip == remote_ip:
        return True
    for net in trusted.replace(",", " ").split():
        try:
            if ipaddress.ip_address(remote_ip) in ipaddress.ip_network(net, strict=False):
                return True
        except ValueError:
            continue
    return False


def policy_for(conf, protocol: str, local_ip: str | None, remote_ip: str | None, tls: bool = False) -> LoginPolicy:
    """The policy of one connection, from a parsed DovecotConfig (None: CentOS's defaults)."""
    if conf is None:
        return LoginPolicy(secured=tls or is_secured(local_ip, remote_ip))
    kw = {"protocol": protocol, "local_ip": local_ip, "remote_ip": remote_ip}
    secured = tls or is_secured(local_ip, remote_ip, conf.get("login_trusted_networks", **kw))
    mechs, _ = mechanisms_of(conf.get("auth_mechanisms"))
    return LoginPolicy(conf.get("ssl", **kw), conf.flag("disable_plaintext_auth", **kw), mechs, secured)
