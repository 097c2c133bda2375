import { el, isObject, need } from './dom';

export const ADDRTEST_MIME = 'application/vnd.mailkit.addrtest+json';

export interface IRuleStep {
  rule: string; // the left-hand side that matched
  action: string; // its right-hand side
  result: string | null; // the workspace it was rewritten as
}

export interface IRulesetCall {
  ruleset: string;
  input: string;
  returns: string | null;
  tried: number;
  items: Array<IRuleStep | { call: IRulesetCall } | { line: string }>;
}

export interface IAddressTest {
  header: string;
  commands: Array<{ input: string; output: string; calls: IRulesetCall[] }>;
}

/** One ruleset run: its name, input and result; opened, the rules that matched and the rulesets
 * they called, in order. A ruleset that only passed its input through stays closed. */
function renderCall(call: IRulesetCall, depth: number): HTMLElement {
  need(isObject(call) && typeof call.ruleset === 'string', 'a ruleset call has no name');
  need(Array.isArray(call.items), `ruleset ${call.ruleset}: "items" is not a list`);
  const box = el('details', 'mk-bt-call');
  box.dataset.ruleset = call.ruleset;
  const matched = call.items.filter(it => isObject(it) && 'rule' in it).length;
  box.open = depth === 0 || (matched > 0 && call.returns !== call.input);
  const head = box.appendChild(el('summary', 'mk-bt-head'));
  head.appendChild(el('span', 'mk-bt-name', call.ruleset));
  head.appendChild(el('code', 'mk-bt-in', call.input));
  head.appendChild(el('span', 'mk-bt-arrow', ' \u2192 '));
  head.appendChild(el('code', 'mk-bt-out', call.returns ?? '(no return)'));
  head.appendChild(el('span', 'mk-bt-count', ` ${matched}/${call.tried} rules matched`));
  const body = box.appendChild(el('div', 'mk-bt-body'));
  for (const item of call.items) {
    need(isObject(item), `ruleset ${call.ruleset}: an item is not an object`);
    if ('call' in item) {
      body.appendChild(renderCall(item.call as IRulesetCall, depth + 1));
    } else if ('rule' in item) {
      const step = item as unknown as IRuleStep;
      const row = body.appendChild(el('div', 'mk-bt-rule'));
      row.appendChild(el('code', 'mk-bt-lhs', `R${step.rule}`));
      row.appendChild(el('span', 'mk-bt-arrow', ' \u21d2 '));
      row.appendChild(el('code', 'mk-bt-rhs', String(step.action)));
      if (step.result !== null && step.result !== undefined) {
        row.appendChild(el('div', 'mk-bt-result', `rewritten as: ${step.result}`));
      }
    } else if ('line' in item) {
      body.appendChild(el('div', 'mk-bt-line', String(item.line)));
    }
  }
  return box;
}

/**
 * sendmail -bt's answer to each input line as text (what the real one prints), with the
 * rulesets it ran drawn as a tree underneath: each ruleset's input and result, and the rules
 * that fired on the way (left-hand side => right-hand side, then the rewritten workspace).
 */
export function renderAddressTest(data: unknown): HTMLElement {
  need(isObject(data), 'payload is not an object');
  need(Array.isArray(data.commands), '"commands" is not a list');
  const t = data as unknown as IAddressTest;
  const root = el('div', 'mk-bt');
  if (t.header) {
    root.appendChild(el('pre', 'mk-bt-header', t.header));
  }
  for (const cmd of t.commands) {
    need(isObject(cmd) && typeof cmd.input === 'string', 'a command has no input');
    const part = root.appendChild(el('div', 'mk-bt-command'));
    part.appendChild(el('pre', 'mk-bt-input', `> ${cmd.input}`));
    part.appendChild(el('pre', 'mk-bt-output', String(cmd.output ?? '')));
    const calls = Array.isArray(cmd.calls) ? cmd.calls : [];
    if (calls.length) {
      const tree = part.appendChild(el('div', 'mk-bt-tree'));
      calls.forEach(c => tree.appendChild(renderCall(c, 0)));
    }
  }
  return root;
}
