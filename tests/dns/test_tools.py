"""host, nslookup and dig against the host's named, line for line with BIND's own tools run
against the same server (query ids, times, dates and DiG's version masked)."""

import re
import shutil
import subprocess

import pytest

from mailkit.commands.base import run

CASES = [
    "host -p PORT -t mx korea.example 127.0.0.1",
    "host -p PORT -t mx jeju.example 127.0.0.1",
    "host -p PORT www.korea.example 127.0.0.1",
    "host -p PORT korea.example 127.0.0.1",
    "host -p PORT nope.korea.example 127.0.0.1",
    "host -p PORT www.gmail.com 127.0.0.1",
    "host -p PORT -t ns korea.example 127.0.0.1",
    "host -p PORT -t soa korea.example 127.0.0.1",
    "host -p PORT -t mx mail.korea.example 127.0.0.1",
    "host -p PORT -t mx smtp.jeju.example 127.0.0.1",
    "host -p PORT -t mx korea.example localhost",
    "nslookup -port=PORT -type=mx korea.example 127.0.0.1",
    "nslookup -port=PORT -type=mx jeju.example 127.0.0.1",
    "nslookup -port=PORT -query=mx mail.korea.example 127.0.0.1",
    "nslookup -port=PORT www.korea.example 127.0.0.1",
    "nslookup -port=PORT korea.example 127.0.0.1",
    "nslookup -port=PORT nope.korea.example 127.0.0.1",
    "nslookup -port=PORT www.gmail.com 127.0.0.1",
    "nslookup -port=PORT -type=soa korea.example 127.0.0.1",
    "nslookup -port=PORT -type=ns korea.example 127.0.0.1",
    "nslookup -port=PORT -type=mx smtp.jeju.example 127.0.0.1",
    "dig -p PORT @127.0.0.1 MX korea.example",
    "dig -p PORT @127.0.0.1 MX jeju.example",
    "dig -p PORT @127.0.0.1 www.korea.example",
    "dig -p PORT @127.0.0.1 nope.korea.example",
    "dig -p PORT @127.0.0.1 www.gmail.com",
    "dig -p PORT @127.0.0.1 +short MX jeju.example",
    "dig -p PORT @127.0.0.1 +tcp korea.example mx",
    "dig -p PORT @127.0.0.1 -t soa korea.example",
    "dig -p PORT @127.0.0.1 korea.example any",
    "dig -p PORT @127.0.0.1 a-name-longer-than-the-first-column.korea.example",
    "dig -p PORT @127.0.0.1 123456789012345.korea.example",
    "dig -p PORT @127.0.0.1 1234567.korea.example",
    "dig -p PORT @127.0.0.1 -x 127.0.0.4",
    "dig -p PORT @127.0.0.1 +short -x 127.0.0.1",
    "host -p PORT 127.0.0.1 127.0.0.1",
    "host -p PORT 127.0.0.9 127.0.0.1",
    "host -p PORT 10.1.2.3 127.0.0.1",
    "host -p PORT -t ptr 4.0.0.127.in-addr.arpa 127.0.0.1",
    "nslookup -port=PORT 127.0.0.5 127.0.0.1",
    "host -p PORT 127.0.0.6 127.0.0.1",
    "dig -p PORT @127.0.0.1 -x 127.0.0.6",
    "nslookup -port=PORT 127.0.0.9 127.0.0.1",
    "host -p PORT a..b 127.0.0.1",
    "dig -p PORT @127.0.0.1 " + "a" * 70 + ".example",
    "nslookup -port=PORT " + "a" * 70 + ".example 127.0.0.1",
]


def masked(text):
    text = re.sub(r"id: \d+", "id: ID", text)
    text = re.sub(r"Query time: \d+ msec", "Query time: T msec", text)
    text = re.sub(r";; WHEN: .*", ";; WHEN: DATE", text)
    return re.sub(r"<<>> DiG \S+ <<>>", "<<>> DiG V <<>>", text)


@pytest.mark.parametrize("line", CASES)
def test_same_output_as_bind_tools(dns_host, dns_port, line):
    argv = line.replace("PORT", str(dns_port)).split()
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} is not installed (bind9-dnsutils; scripts/setup.sh installs it)")
    real = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    ours = run(dns_host, argv)
    assert masked(ours.out) == masked(real.stdout)
    assert ours.code == real.returncode
    if "not a legal name" in real.stderr:
        assert ours.err == real.stderr


def test_mx_answers_through_the_service_port(dns_host):
    """No server given: resolv.conf's (127.0.0.1), port 53, reaching named's mapped port."""
    assert run(dns_host, ["host", "-t", "mx", "korea.example"]).out == \
        "korea.example mail is handled by 10 mail.korea.example.\n"
    ns = run(dns_host, ["nslookup", "-type=mx", "korea.example"])
    assert ns.out == ("Server:\t\t127.0.0.1\nAddress:\t127.0.0.1#53\n\n"
                      "korea.example\tmail exchanger = 10 mail.korea.example.\n\n")
    dig = run(dns_host, ["dig", "MX", "korea.example"]).out
    assert dig.startswith(f"\n; <<>> DiG 9.18.33 <<>> MX korea.example\n;; global options: +cmd\n;; Got answer:\n")
    assert ";; ANSWER SECTION:\nkorea.example.\t\t86400\tIN\tMX\t10 mail.korea.example.\n" in dig
    assert ";; SERVER: 127.0.0.1#53(127.0.0.1) (UDP)\n" in dig
    assert ";; WHEN: Sun Nov 29 09:00:00 KST 2026\n" in dig  # the host's clock
    assert ";; MSG SIZE  rcvd: 79\n" in dig


def test_search_list_of_resolv_conf(dns_host, world):
    world.path("/etc/resolv.conf").write_text("search korea.example\nnameserver 127.0.0.1\n")
    assert run(dns_host, ["host", "www"]).out == ("www.korea.example is an alias for mail.korea.example.\n"
                                                  "mail.korea.example has address 127.0.0.4\n")


def test_without_named_no_servers_could_be_reached(host):
    r = run(host, ["host", "-t", "mx", "korea.example"])
    assert (r.out, r.code) == ("", 1)
    assert r.err == (";; communications error to 127.0.0.1#53: connection refused\n" * 2
                     + ";; no servers could be reached\n")
    r = run(host, ["dig", "korea.example"])
    assert r.code == 9 and r.out.endswith(";; global options: +cmd\n;; no servers could be reached\n")


def test_a_server_outside_loopback_is_never_asked(dns_host):
    r = run(dns_host, ["dig", "@192.0.2.1", "korea.example"])
    assert r.code == 9 and ";; communications error to 192.0.2.1#53: timed out" in r.err
    r = run(dns_host, ["nslookup", "korea.example", "192.0.2.1"])
    assert r.code == 1 and "no servers could be reached" in r.out


def test_bad_options(dns_host):
    assert run(dns_host, ["host", "-t", "BOGUS", "x"]).code == 1
    assert run(dns_host, ["dig", "+bogus", "x"]).code == 1
    assert run(dns_host, ["nslookup", "-bogus", "x"]).code == 1
    assert run(dns_host, ["host"]).err.startswith("Usage: host ")


def test_dig_and_nslookup_line_magics(ip, capsys):
    import mailkit

    mailkit.host().runtime.start_service("named")
    ip.run_line_magic("dig", "+short MX jeju.example")
    ip.run_line_magic("nslookup", "-type=mx korea.example")
    ip.run_cell("%%host\nhost -t mx korea.example\n")
    out = capsys.readouterr().out
    assert "10 mail.jeju.example.\n20 mx2.jeju.example.\n" in out
    assert "korea.example\tmail exchanger = 10 mail.korea.example.\n" in out
    assert "korea.example mail is handled by 10 mail.korea.example.\n" in out
