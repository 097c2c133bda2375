import { el, isObject, need } from './dom';
import { explainCode, replyCode } from './replycodes';

export const DIALOGUE_MIME = 'application/vnd.mailkit.dialogue+json';

export interface IDialogueLine {
  from: 'server' | 'client';
  text: string;
  code?: string;
  explain?: string;
}

export interface IDialogue {
  service: string;
  host: string;
  port: number;
  lines: IDialogueLine[];
}

/** The hover text of one line: "250: Requested action okay" for a server reply. */
export function lineTitle(service: string, line: IDialogueLine): string {
  if (line.from === 'client') {
    return line.explain ?? '';
  }
  const code = line.code || replyCode(service, line.text);
  const meaning = line.explain || explainCode(service, code);
  if (!meaning) {
    return '';
  }
  return code ? `${code}: ${meaning}` : meaning;
}

/**
 * One row per line, client and server told apart by class (mk-client / mk-server) and by a
 * "C:"/"S:" prefix, so the transcript still reads right without colour.
 */
export function renderDialogue(data: unknown): HTMLElement {
  need(isObject(data), 'payload is not an object');
  need(Array.isArray(data.lines), '"lines" is not a list');
  const d = data as unknown as IDialogue;
  const service = String(d.service ?? 'smtp').toLowerCase();
  const root = el('div', `mk-dialogue mk-service-${service}`);
  root.appendChild(el('div', 'mk-dialogue-head', `${service.toUpperCase()} ${d.host}:${d.port}`));
  const body = el('div', 'mk-dialogue-lines');
  for (const line of d.lines) {
    need(isObject(line), 'a line is not an object');
    need(line.from === 'server' || line.from === 'client', `a line comes from "${line.from}"`);
    const row = el('div', `mk-line mk-${line.from}`);
    row.appendChild(el('span', 'mk-who', line.from === 'client' ? 'C:' : 'S:'));
    const text = String(line.text ?? '');
    const code = line.from === 'server' ? line.code || replyCode(service, text) : '';
    if (code && text.startsWith(code)) {
      row.appendChild(el('span', `mk-code mk-code-${code[0] === '-' ? 'err' : code[0]}`, code));
      row.appendChild(el('span', 'mk-text', text.slice(code.length)));
    } else {
      row.appendChild(el('span', 'mk-text', text));
    }
    const title = lineTitle(service, line);
    if (title) {
      row.title = title;
    }
    body.appendChild(row);
  }
  root.appendChild(body);
  return root;
}
