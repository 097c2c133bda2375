import { el, isObject, need } from './dom';

export const MESSAGE_MIME = 'application/vnd.mailkit.message+json';

export interface IMessage {
  mailbox: string;
  index: number;
  headers: [string, string][];
  body: string;
}

const SUMMARY = ['From', 'To', 'Subject', 'Date'];

function header(headers: [string, string][], name: string): string | undefined {
  const hit = headers.find(([k]) => k.toLowerCase() === name.toLowerCase());
  return hit ? hit[1] : undefined;
}

/**
 * A message: the few headers a reader looks at first, every header folded in a <details>
 * (Received: lines are long and many), then the body as sent.
 */
export function renderMessage(data: unknown): HTMLElement {
  need(isObject(data), 'payload is not an object');
  need(Array.isArray(data.headers), '"headers" is not a list');
  const m = data as unknown as IMessage;
  for (const h of m.headers) {
    need(Array.isArray(h) && h.length === 2, 'a header is not a [name, value] pair');
  }
  const root = el('div', 'mk-message');
  root.appendChild(el('div', 'mk-message-head', `Message ${m.index} of ${m.mailbox}`));
  const summary = el('dl', 'mk-message-summary');
  for (const name of SUMMARY) {
    const value = header(m.headers, name);
    if (value !== undefined) {
      summary.appendChild(el('dt', undefined, name));
      summary.appendChild(el('dd', undefined, value));
    }
  }
  root.appendChild(summary);
  const details = el('details', 'mk-message-headers');
  details.appendChild(el('summary', undefined, `All headers (${m.headers.length})`));
  const table = el('table');
  for (const [k, v] of m.headers) {
    const tr = el('tr');
    tr.appendChild(el('th', undefined, k));
    tr.appendChild(el('td', undefined, v));
    table.appendChild(tr);
  }
  details.appendChild(table);
  root.appendChild(details);
  root.appendChild(el('pre', 'mk-message-body', String(m.body ?? '')));
  return root;
}
