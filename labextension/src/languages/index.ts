import type { StreamParser } from '@codemirror/language';
import { sendmailCf } from './cf';
import { sendmailMc } from './mc';
import { accessMap, aliases, virtusertable } from './maps';

export { sendmailCf, sendmailMc, accessMap, aliases, virtusertable };

/** How each of sendmail's files is recognised: by file name first, then by extension. */
export interface IMailLanguage {
  name: string;
  displayName: string;
  mime: string;
  extensions: string[];
  filename?: RegExp;
  parser: StreamParser<unknown>;
}

export const MAIL_LANGUAGES: IMailLanguage[] = [
  {
    name: 'sendmail.cf',
    displayName: 'sendmail.cf',
    mime: 'text/x-sendmail-cf',
    extensions: ['cf'],
    filename: /^(sendmail|submit)\.cf$/,
    parser: sendmailCf as StreamParser<unknown>
  },
  {
    name: 'sendmail.mc',
    displayName: 'sendmail.mc (m4)',
    mime: 'text/x-sendmail-mc',
    extensions: ['mc'],
    filename: /^(sendmail|submit)\.mc$/,
    parser: sendmailMc as StreamParser<unknown>
  },
  {
    name: 'sendmail-aliases',
    displayName: 'aliases',
    mime: 'text/x-sendmail-aliases',
    extensions: [],
    filename: /^aliases$/,
    parser: aliases as StreamParser<unknown>
  },
  {
    name: 'sendmail-access',
    displayName: 'access map',
    mime: 'text/x-sendmail-access',
    extensions: [],
    filename: /^access$/,
    parser: accessMap as StreamParser<unknown>
  },
  {
    name: 'sendmail-virtusertable',
    displayName: 'virtusertable',
    mime: 'text/x-sendmail-virtusertable',
    extensions: [],
    filename: /^virtusertable$/,
    parser: virtusertable as StreamParser<unknown>
  }
];

/** The language whose file name or extension matches a path ("/etc/mail/access"), if any. */
export function mailLanguageFor(path: string): IMailLanguage | undefined {
  const base = path.split('/').pop() ?? '';
  const byName = MAIL_LANGUAGES.find(l => l.filename?.test(base));
  if (byName) {
    return byName;
  }
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1) : '';
  return ext ? MAIL_LANGUAGES.find(l => l.extensions.includes(ext)) : undefined;
}
