"""Reads what `sendmail -bt -d21.12` printed back into a tree: for each input line, the rulesets
it ran (nested as they called each other), each one's input and result, and the rules that
matched on the way, for the notebook's address-test view.

Test mode prints the prompt "> " once for every line it reads (blank and comment lines too),
so the output splits into one block per input line. Inside a block, "NAME   input: ..." opens
a ruleset and "NAME returns: ..." closes it; with -d21.12 each rule tried is a
"-----trying rule:" line, followed by "----- rule fails" or "-----rule matches:" and
"rewritten as:". Anything else is the command's own output (mailer lines, errors, map values).
"""

from __future__ import annotations

import re

PROMPT = "> "
_ENTER = re.compile(r"^(?P<name>\S.{0,15}?)\s+input:(?: (?P<tokens>.*))?$")
_LEAVE = re.compile(r"^(?P<name>\S.{0,15}?)\s+returns:(?: (?P<tokens>.*))?$")
MAX_BLOCKS = 500  # a cell of test input is short; a longer one is shown as text only


def split_blocks(text: str, inputs: list[str]) -> tuple[str, list[str]] | None:
    """(header, one output block per input line), or None when the prompts do not line up."""
    first = 0 if text.startswith(PROMPT) else text.find("\n" + PROMPT) + 1  # "Enter <ruleset> <address>" has one too
    if first == 0 and not text.startswith(PROMPT):
        return None
    header, pos, blocks = text[:first], first, []
    for _ in inputs:
        if not text.startswith(PROMPT, pos):
            return None
        pos += len(PROMPT)
        nxt = pos
        while True:  # the next prompt: at the block's start, or at the start of a line
            j = text.find(PROMPT, nxt)
            if j < 0 or j == pos or text[j - 1] == "\n":
                break
            nxt = j + 1
        end = len(text) if j < 0 else j
        blocks.append(text[pos:end])
        pos = end
    return header, blocks


def _node(name: str, tokens: str) -> dict:
    return {"ruleset": name, "input": tokens, "returns": None, "tried": 0, "items": []}


def parse_block(block: str) -> dict:
    """One input line's traced output -> {"calls": [ruleset nodes], "lines": [other lines]}.

    A node: {"ruleset", "input", "returns", "tried": rules tried, "items": [{"rule": lhs,
    "action": rhs, "result": workspace}, {"call": node}, {"line": text}]} in the order they
    happened."""
    top: dict = {"calls": [], "lines": []}
    stack: list[dict] = []
    pending: list[dict | None] = []  # per open ruleset: the rule being tried or just matched
    for line in block.split("\n"):
        if not line:
            continue
        m = _ENTER.match(line)
        if m:
            node = _node(m.group("name"), m.group("tokens") or "")
            (stack[-1]["items"].append({"call": node}) if stack else top["calls"].append(node))
            stack.append(node)
            pending.append(None)
            continue
        m = _LEAVE.match(line)
        if m and stack:
            stack.pop()["returns"] = m.group("tokens") or ""
            pending.pop()
            continue
        if stack and line.startswith("-----trying rule: "):
            stack[-1]["tried"] += 1
            pending[-1] = {"rule": line[len("-----trying rule: "):]}
            continue
        if stack and line == "----- rule fails":
            pending[-1] = None
            continue
        if stack and line.startswith("-----rule matches: ") and pending[-1] is not None:
            # listed now, so a ruleset the rule calls ($>) comes after it; its result comes later
            pending[-1]["action"] = line[len("-----rule matches: "):]
            pending[-1]["result"] = None
            stack[-1]["items"].append(pending[-1])
            continue
        if stack and line.startswith("rewritten as:") and pending[-1] is not None:
            pending[-1]["result"] = line[len("rewritten as:"):].strip()
            pending[-1] = None
            continue
        if stack and line.startswith("-----"):
            continue  # a step line of another kind: the plain text shows it
        (stack[-1]["items"].append({"line": line}) if stack else top["lines"].append(line))
    return top


def address_test(plain: str, traced: str, inputs: list[str]) -> dict | None:
    """The JSON of the address-test view: what test mode printed for each input line, and the
    rulesets it ran. None when the two outputs cannot be split by line (shown as text then)."""
    if len(inputs) > MAX_BLOCKS:
        return None
    a, b = split_blocks(plain, inputs), split_blocks(traced, inputs)
    if a is None or b is None:
        return None
    commands = []
    for line, shown, steps in zip(inputs, a[1], b[1]):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        tree = parse_block(steps)
        commands.append({"input": line, "output": shown.rstrip("\n"), "calls": tree["calls"]})
    return {"header": a[0].rstrip("\n"), "commands": commands}
