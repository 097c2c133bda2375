import {
  PayloadError,
  renderDialogue,
  renderError,
  renderMessage,
  renderQueue,
  renderTrace,
  stepStatus
} from '../src/render';

const dialogue = {
  service: 'smtp',
  host: 'localhost',
  port: 25,
  lines: [
    { from: 'server', text: '220 localhost.localdomain ESMTP Sendmail 8.17.1/8.17.1; Sun, 29 Nov 2026', code: '220', explain: 'Service ready' },
    { from: 'client', text: 'HELO localhost', code: '', explain: 'Say hello (plain SMTP)' },
    { from: 'server', text: '250 localhost.localdomain Hello localhost [127.0.0.1], pleased to meet you' },
    { from: 'client', text: 'RCPT TO:<nobody@example.com>', code: '', explain: '' },
    { from: 'server', text: '550 5.7.1 <nobody@example.com>... Relaying denied', code: '550', explain: 'Mailbox unavailable / policy refusal (5.7.1: delivery not authorized)' }
  ]
};

describe('dialogue renderer', () => {
  const node = renderDialogue(dialogue);
  const lines = Array.from(node.querySelectorAll('.mk-line')) as HTMLElement[];

  test('client and server lines get their own class, in order', () => {
    expect(lines.map(l => l.classList.contains('mk-client') ? 'C' : l.classList.contains('mk-server') ? 'S' : '?'))
      .toEqual(['S', 'C', 'S', 'C', 'S']);
    expect(node.querySelector('.mk-dialogue-head')!.textContent).toBe('SMTP localhost:25');
    expect(lines[1].textContent).toBe('C:HELO localhost');
  });

  test('reply codes are explained on hover, from the payload or the built-in table', () => {
    expect(lines[0].title).toBe('220: Service ready');
    expect(lines[2].title).toBe('250: Requested action okay'); // no explain: built-in table
    expect(lines[4].title).toBe('550: Mailbox unavailable / policy refusal (5.7.1: delivery not authorized)');
    expect(lines[1].title).toBe('Say hello (plain SMTP)');
    expect(lines[3].hasAttribute('title')).toBe(false);
  });

  test('the code is a span coloured by its class', () => {
    expect(lines[4].querySelector('.mk-code')!.className).toBe('mk-code mk-code-5');
    expect(lines[0].querySelector('.mk-code')!.textContent).toBe('220');
  });

  test('POP3 and IMAP replies are explained too', () => {
    const pop = renderDialogue({ service: 'pop3', host: 'localhost', port: 110, lines: [
      { from: 'server', text: '+OK Dovecot ready.' }, { from: 'server', text: '-ERR [AUTH] Authentication failed.' }] });
    const titles = Array.from(pop.querySelectorAll('.mk-line')).map(l => (l as HTMLElement).title);
    expect(titles).toEqual(['+OK: Success', '-ERR: Error']);
    const imap = renderDialogue({ service: 'imap', host: 'localhost', port: 143, lines: [
      { from: 'client', text: 'a1 LOGIN bob secret' }, { from: 'server', text: 'a1 NO [AUTHENTICATIONFAILED] failed' }] });
    expect((imap.querySelectorAll('.mk-line')[1] as HTMLElement).title).toBe('NO: Command failed');
  });

  test('text is never parsed as markup', () => {
    const n = renderDialogue({ service: 'smtp', host: 'h', port: 25, lines: [{ from: 'client', text: '<img src=x onerror=alert(1)>' }] });
    expect(n.querySelector('img')).toBeNull();
    expect(n.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  test('a malformed payload is refused with a reason', () => {
    expect(() => renderDialogue({ service: 'smtp' })).toThrow(PayloadError);
    expect(() => renderDialogue({ lines: [{ from: 'martian', text: 'x' }] })).toThrow('a line comes from "martian"');
    expect(renderError('application/vnd.mailkit.dialogue+json', new PayloadError('"lines" is not a list')).textContent)
      .toBe('mailkit: cannot show application/vnd.mailkit.dialogue+json: "lines" is not a list');
  });
});

describe('queue renderer', () => {
  const payload = {
    queue: '/var/spool/mqueue',
    total: 2,
    rows: [
      { id: '0ATA0000000001', size: 30, time: 'Sun Nov 29 09:00', sender: '<alice@localhost>', recipients: ['bob@example.com', 'carol@example.com'], reason: 'Deferred: Connection refused by example.com.' },
      { id: '0ATA0000000002', size: 12, time: 'Sun Nov 29 09:01', sender: '<root@localhost>', recipients: ['x@example.org'], reason: '' }
    ]
  };

  test('one table row per message with mailq columns', () => {
    const node = renderQueue(payload);
    const heads = Array.from(node.querySelectorAll('th')).map(t => t.textContent);
    expect(heads).toEqual(['Queue ID', 'Size', 'Q-Time', 'Sender', 'Recipients', 'Reason']);
    const rows = Array.from(node.querySelectorAll('tbody tr'));
    expect(rows).toHaveLength(2);
    const cells = Array.from(rows[0].querySelectorAll('td')).map(td => td.textContent);
    expect(cells).toEqual(['0ATA0000000001', '30', 'Sun Nov 29 09:00', '<alice@localhost>', 'bob@example.com, carol@example.com', 'Deferred: Connection refused by example.com.']);
    expect(rows[0].classList.contains('mk-deferred')).toBe(true);
    expect(rows[1].classList.contains('mk-deferred')).toBe(false);
    expect(node.querySelector('.mk-queue-head')!.textContent).toBe('/var/spool/mqueue (2 requests)');
  });

  test('a job a runner is on shows mailq\'s * after its id', () => {
    const node = renderQueue({ ...payload, rows: [{ ...payload.rows[1], locked: true }, payload.rows[0]] });
    const rows = Array.from(node.querySelectorAll('tbody tr')) as HTMLElement[];
    expect(rows[0].querySelector('td')!.textContent).toBe('0ATA0000000002*');
    expect(rows[0].classList.contains('mk-locked')).toBe(true);
    expect(rows[1].querySelector('td')!.textContent).toBe('0ATA0000000001');
    expect(rows[1].classList.contains('mk-locked')).toBe(false);
  });

  test('mailq\'s own text comes first, the table annotates it', () => {
    const text = '\t\t/var/spool/mqueue (1 request)\n-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------';
    const node = renderQueue({ ...payload, text });
    const pre = node.querySelector('pre.mk-queue-text') as HTMLElement;
    expect(pre.textContent).toBe(text);
    expect(node.firstElementChild).toBe(pre);
    expect(node.querySelector('table')).not.toBeNull();
    expect(renderQueue(payload).querySelector('pre.mk-queue-text')).toBeNull();
  });

  test('an empty queue says so', () => {
    const node = renderQueue({ queue: '/var/spool/mqueue', total: 0, rows: [] });
    expect(node.querySelector('table')).toBeNull();
    expect(node.textContent).toContain('/var/spool/mqueue is empty');
  });

  test('rows that are not a list are refused', () => {
    expect(() => renderQueue({ queue: 'q', rows: 'none' })).toThrow('"rows" is not a list');
  });
});

describe('message renderer', () => {
  const payload = {
    mailbox: '/var/spool/mail/alice',
    index: 1,
    headers: [
      ['Received', 'from localhost (localhost [127.0.0.1]) by localhost.localdomain (8.17.1/8.17.1) with SMTP id 0ATA0000000001'],
      ['From', 'bob@localhost'],
      ['To', 'alice@localhost'],
      ['Subject', '안녕하세요'],
      ['Date', 'Sun, 29 Nov 2026 09:00:00 +0900']
    ],
    body: 'Hello Alice,\n<b>not bold</b>\n'
  };
  const node = renderMessage(payload);

  test('all headers folded in a closed <details>', () => {
    const details = node.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')!.textContent).toBe('All headers (5)');
    const names = Array.from(details.querySelectorAll('th')).map(t => t.textContent);
    expect(names).toEqual(['Received', 'From', 'To', 'Subject', 'Date']);
  });

  test('summary shows From/To/Subject/Date outside the fold', () => {
    const dt = Array.from(node.querySelectorAll('.mk-message-summary dt')).map(t => t.textContent);
    expect(dt).toEqual(['From', 'To', 'Subject', 'Date']);
    expect(node.querySelector('.mk-message-summary')!.textContent).toContain('안녕하세요');
    expect(node.querySelector('.mk-message-head')!.textContent).toBe('Message 1 of /var/spool/mail/alice');
  });

  test('the body is shown as text', () => {
    const body = node.querySelector('pre.mk-message-body')!;
    expect(body.textContent).toBe('Hello Alice,\n<b>not bold</b>\n');
    expect(body.querySelector('b')).toBeNull();
  });

  test('headers that are not pairs are refused', () => {
    expect(() => renderMessage({ ...payload, headers: [['From']] })).toThrow('a header is not a [name, value] pair');
  });
});

describe('trace renderer', () => {
  const payload = {
    message_id: '<20261129090000.0ATA0000000001@localhost.localdomain>',
    steps: [
      { agent: 'MUA', what: 'mail -s hi bob', ok: true, reached: true },
      { agent: 'MTA', what: 'accepted 0ATA0000000001 from <alice@localhost>', ok: true, reached: true },
      { agent: 'queue', what: 'Deferred: Connection refused', ok: false, reached: true },
      { agent: 'MDA', what: 'no delivery yet', ok: false, reached: false }
    ]
  };
  const node = renderTrace(payload);

  test('one box per step, joined by arrows', () => {
    const boxes = Array.from(node.querySelectorAll('.mk-trace-step')) as HTMLElement[];
    expect(boxes.map(b => b.dataset.agent)).toEqual(['MUA', 'MTA', 'queue', 'MDA']);
    expect(node.querySelectorAll('.mk-trace-arrow')).toHaveLength(3);
    const row = node.querySelector('.mk-trace-steps')!;
    expect(Array.from(row.children).map(c => c.className.split(' ')[0]))
      .toEqual(['mk-trace-step', 'mk-trace-arrow', 'mk-trace-step', 'mk-trace-arrow', 'mk-trace-step', 'mk-trace-arrow', 'mk-trace-step']);
  });

  test('each step shows its status and text', () => {
    const boxes = Array.from(node.querySelectorAll('.mk-trace-step')) as HTMLElement[];
    expect(boxes.map(b => b.dataset.status)).toEqual(['ok', 'ok', 'failed', 'pending']);
    expect(boxes[2].classList.contains('mk-failed')).toBe(true);
    expect(boxes[1].querySelector('.mk-trace-what')!.textContent).toBe('accepted 0ATA0000000001 from <alice@localhost>');
    expect(boxes[0].querySelector('.mk-trace-mark')!.textContent).toBe('\u2714');
    expect(boxes[3].querySelector('.mk-trace-mark')!.textContent).toBe('\u2026');
    expect(node.querySelector('.mk-trace-head')!.textContent).toBe(`Trace of ${payload.message_id}`);
  });

  test('reached defaults to true', () => {
    expect(stepStatus({ agent: 'MTA', what: '', ok: true })).toBe('ok');
    expect(stepStatus({ agent: 'MTA', what: '', ok: false })).toBe('failed');
  });

  test('on a network the first step on each host names the host and its queue id', () => {
    const hops = renderTrace({
      message_id: '<m@korea.example>',
      hops: [{ host: 'mail.korea.example', qid: '6AT0900a004242' }, { host: 'mail.jeju.example', qid: '6AT0900b004242' }],
      steps: [
        { agent: 'MUA', what: 'sent', ok: true, host: 'mail.korea.example', qid: '6AT0900a004242' },
        { agent: 'relay', what: 'passed on', ok: true, host: 'mail.korea.example', qid: '6AT0900a004242' },
        { agent: 'MTA', what: 'accepted', ok: true, host: 'mail.jeju.example', qid: '6AT0900b004242' }
      ]
    });
    const boxes = Array.from(hops.querySelectorAll('.mk-trace-step')) as HTMLElement[];
    expect(boxes.map(b => b.dataset.host)).toEqual(['mail.korea.example', 'mail.korea.example', 'mail.jeju.example']);
    expect(boxes.map(b => b.querySelector('.mk-trace-host')?.textContent ?? null))
      .toEqual(['mail.korea.example 6AT0900a004242', null, 'mail.jeju.example 6AT0900b004242']);
    expect(node.querySelector('.mk-trace-host')).toBeNull(); // a host alone: no host labels
  });

  test('a step without an agent is refused', () => {
    expect(() => renderTrace({ message_id: 'x', steps: [{ what: 'y' }] })).toThrow('a step has no agent');
  });
});
