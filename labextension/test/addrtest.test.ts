import { ADDRTEST_MIME, PayloadError, renderAddressTest } from '../src/render';

// The shape mailkit.core.bttrace.address_test() gives for `3,0 alice@localhost` (shortened).
const payload = {
  header: 'ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)\nEnter <ruleset> <address>',
  commands: [
    {
      input: '3,0 alice@localhost',
      output: 'canonify           input: alice @ localhost\nparse            returns: $# local $: alice',
      calls: [
        {
          ruleset: 'canonify', input: 'alice @ localhost', returns: 'alice < @ localhost . localdomain . >', tried: 27,
          items: [
            { rule: '$+ @ $+', action: '$: $1 < @ $2 >', result: 'alice < @ localhost >' },
            { rule: '$+ < @ $+ >', action: '$@ $> Canonify2 $1 < @ $2 >', result: 'alice < @ localhost . localdomain . >' },
            {
              call: {
                ruleset: 'Canonify2', input: 'alice < @ localhost >', returns: 'alice < @ localhost . localdomain . >',
                tried: 19, items: [{ rule: '$* < @ localhost > $*', action: '$: $1 < @ localhost . localdomain . > $2', result: 'alice < @ localhost . localdomain . >' }]
              }
            }
          ]
        },
        {
          ruleset: 'parse', input: 'alice < @ localhost . localdomain . >', returns: '$# local $: alice', tried: 4,
          items: [{ line: 'rewrite: RHS $&{daemon_flags} => "(NULL)"' }]
        }
      ]
    },
    { input: '$j', output: 'localhost.localdomain', calls: [] }
  ]
};

describe('address test (sendmail -bt) renderer', () => {
  const node = renderAddressTest(payload);

  test('the MIME type', () => {
    expect(ADDRTEST_MIME).toBe('application/vnd.mailkit.addrtest+json');
  });

  test('each input line with the text sendmail printed for it', () => {
    const inputs = Array.from(node.querySelectorAll('.mk-bt-input')).map(n => n.textContent);
    expect(inputs).toEqual(['> 3,0 alice@localhost', '> $j']);
    const outputs = Array.from(node.querySelectorAll('.mk-bt-output')).map(n => n.textContent);
    expect(outputs[1]).toBe('localhost.localdomain');
    expect(node.querySelector('.mk-bt-header')!.textContent).toContain('ADDRESS TEST MODE');
  });

  test('the rulesets it ran, nested as they called each other, with the rules that fired', () => {
    const top = Array.from(node.querySelectorAll('.mk-bt-tree > .mk-bt-call')) as HTMLElement[];
    expect(top.map(c => c.dataset.ruleset)).toEqual(['canonify', 'parse']);
    const inner = top[0].querySelector('.mk-bt-body > .mk-bt-call') as HTMLElement;
    expect(inner.dataset.ruleset).toBe('Canonify2');
    const rules = Array.from(top[0].querySelectorAll(':scope > .mk-bt-body > .mk-bt-rule'));
    expect(rules.map(r => r.querySelector('.mk-bt-lhs')!.textContent)).toEqual(['R$+ @ $+', 'R$+ < @ $+ >']);
    expect(rules[0].querySelector('.mk-bt-result')!.textContent).toBe('rewritten as: alice < @ localhost >');
    expect(top[0].querySelector('.mk-bt-count')!.textContent).toBe(' 2/27 rules matched');
    expect(top[1].querySelector('.mk-bt-line')!.textContent).toContain('daemon_flags');
  });

  test('text goes in as text, never as markup', () => {
    const evil = renderAddressTest({ header: '', commands: [{ input: '<img src=x onerror=alert(1)>', output: '<b>x</b>', calls: [] }] });
    expect(evil.querySelector('img')).toBeNull();
    expect(evil.querySelector('.mk-bt-output')!.textContent).toBe('<b>x</b>');
  });

  test('a malformed payload is refused with the reason', () => {
    expect(() => renderAddressTest({})).toThrow(PayloadError);
    expect(() => renderAddressTest({ commands: [{}] })).toThrow('a command has no input');
    expect(() => renderAddressTest({ commands: [{ input: 'x', output: '', calls: [{ items: [] }] }] }))
      .toThrow('a ruleset call has no name');
  });
});
