import { el, isObject, need } from './dom';

export const QUEUE_MIME = 'application/vnd.mailkit.queue+json';

export interface IQueueRow {
  id: string;
  size: number;
  time: string;
  sender: string;
  recipients: string[];
  reason?: string;
  /** a queue runner is working on it now: mailq prints `*` after the id */
  locked?: boolean;
}

export interface IQueue {
  queue: string;
  total: number;
  rows: IQueueRow[];
  /** exactly what `mailq` printed: shown first, the table only annotates it */
  text?: string;
}

const COLUMNS = ['Queue ID', 'Size', 'Q-Time', 'Sender', 'Recipients', 'Reason'];

/**
 * The queue as `mailq` printed it (its text layout is what the exam asks about), then the same
 * jobs as a table, one row per queued message, with mailq's columns.
 */
export function renderQueue(data: unknown): HTMLElement {
  need(isObject(data), 'payload is not an object');
  need(Array.isArray(data.rows), '"rows" is not a list');
  const q = data as unknown as IQueue;
  const root = el('div', 'mk-queue');
  if (typeof q.text === 'string') {
    root.appendChild(el('pre', 'mk-queue-text', q.text));
  }
  const total = typeof q.total === 'number' ? q.total : q.rows.length;
  root.appendChild(
    el('div', 'mk-queue-head', `${q.queue} (${total} request${total === 1 ? '' : 's'})`)
  );
  if (q.rows.length === 0) {
    root.appendChild(el('div', 'mk-queue-empty', `${q.queue} is empty`));
    return root;
  }
  const table = el('table', 'mk-queue-table');
  const head = el('tr');
  for (const c of COLUMNS) {
    head.appendChild(el('th', undefined, c));
  }
  table.appendChild(el('thead')).appendChild(head);
  const tbody = table.appendChild(el('tbody'));
  for (const r of q.rows) {
    need(isObject(r), 'a row is not an object');
    const tr = el('tr', r.reason ? 'mk-deferred' : undefined);
    const recipients = Array.isArray(r.recipients) ? r.recipients : [];
    const id = r.locked === true ? `${r.id}*` : r.id;
    const cells = [id, String(r.size), r.time, r.sender, recipients.join(', '), r.reason ?? ''];
    cells.forEach((text, i) => tr.appendChild(el('td', `mk-col-${i}`, String(text ?? ''))));
    if (r.locked === true) {
      tr.classList.add('mk-locked');
      tr.title = 'being processed by a queue run now (mailq marks it with *)';
    }
    tbody.appendChild(tr);
  }
  root.appendChild(table);
  return root;
}
