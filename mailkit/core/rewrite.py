"""Address rewriting on the way out: what sendmail does to the envelope sender and the headers
of a message for one mailer (rulesets 1 and 3/4 and the mailer's S=/R= rulesets, which is
where masquerading and genericstable act).

`outgoing(world, cfg, mailer, sender, header_block)` returns the envelope sender and the
header block as that mailer sends them. Until the rulesets are run here it returns both
unchanged (sendmail's stock CentOS cf, with no MASQUERADE_AS or genericstable, changes
nothing for a fully qualified address).
"""

from __future__ import annotations


def outgoing(world, cfg, mailer: str, sender: str, header_block: bytes) -> tuple[str, bytes]:
    return sender, header_block
