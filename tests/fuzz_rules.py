"""Rules of the security fuzzers' state machines that never depend on what the server did.

hypothesis replays the choices of a run and checks they lead the same way; a rule allowed only
while a connection is open (a precondition on `self.wire`) makes that depend on the server:
under load a server may close one connection sooner than in the first run, the replay then
draws differently and hypothesis reports FlakyStrategyDefinition instead of the real result.
So a rule that needs a connection opens one itself when the server ended the last.
"""

from __future__ import annotations

import functools


def source_for(n: int) -> str:
    """The client address of the n-th connection a rule opens by itself."""
    return f"127.0.0.{2 + n % 249}"


def live(rule_body):
    """Run the rule on a connection: a fresh one (from a source address fixed by how many were
    opened before) when there is none."""

    @functools.wraps(rule_body)
    def run(self, *args, **kwargs):
        if self.wire is None:
            self.open(source_for(len(self.wires)))
        return rule_body(self, *args, **kwargs)

    return run
