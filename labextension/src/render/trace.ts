import { el, isObject, need } from './dom';

export const TRACE_MIME = 'application/vnd.mailkit.trace+json';

export interface ITraceStep {
  agent: string;
  what: string;
  ok: boolean;
  reached?: boolean;
  /** On a network of hosts: where the step happened, and the message's queue id there. */
  host?: string;
  qid?: string;
}

export interface ITrace {
  message_id: string;
  steps: ITraceStep[];
  /** On a network: the hosts the message went through, in order. */
  hops?: { host: string; qid: string }[];
}

export type StepStatus = 'ok' | 'failed' | 'pending';

/** ok: done; failed: reached but went wrong (bounce, deferral); pending: no trace of it yet. */
export function stepStatus(step: ITraceStep): StepStatus {
  if (step.reached === false) {
    return 'pending';
  }
  return step.ok ? 'ok' : 'failed';
}

const MARK: Record<StepStatus, string> = { ok: '\u2714', failed: '\u2718', pending: '\u2026' };

/**
 * The message's path as boxes (one per agent: MUA, MTA, queue, MDA, mailbox, POP3/IMAP) joined
 * by arrows; each box shows its status mark and what happened there. On a network the first
 * box on each host names the host and the queue id there.
 */
export function renderTrace(data: unknown): HTMLElement {
  need(isObject(data), 'payload is not an object');
  need(Array.isArray(data.steps), '"steps" is not a list');
  const t = data as unknown as ITrace;
  const root = el('div', 'mk-trace');
  root.appendChild(el('div', 'mk-trace-head', `Trace of ${t.message_id}`));
  const row = el('div', 'mk-trace-steps');
  let host: string | undefined;
  t.steps.forEach((step, i) => {
    need(isObject(step) && typeof step.agent === 'string', 'a step has no agent');
    if (i > 0) {
      const arrow = el('div', 'mk-trace-arrow', '\u2192');
      arrow.setAttribute('aria-hidden', 'true');
      row.appendChild(arrow);
    }
    const status = stepStatus(step);
    const box = el('div', `mk-trace-step mk-${status}`);
    box.dataset.agent = step.agent;
    box.dataset.status = status;
    box.title = `${step.agent}: ${status}`;
    if (typeof step.host === 'string' && step.host) {
      box.dataset.host = step.host;
      if (step.host !== host) {
        host = step.host;
        const qid = typeof step.qid === 'string' && step.qid ? ` ${step.qid}` : '';
        box.appendChild(el('div', 'mk-trace-host', `${step.host}${qid}`));
      }
    }
    const top = box.appendChild(el('div', 'mk-trace-agent'));
    top.appendChild(el('span', 'mk-trace-mark', MARK[status]));
    top.appendChild(el('span', 'mk-trace-name', ` ${step.agent}`));
    box.appendChild(el('div', 'mk-trace-what', String(step.what ?? '')));
    row.appendChild(box);
  });
  root.appendChild(row);
  return root;
}
