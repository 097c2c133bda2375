// Meaning of server replies, used for the hover text when a dialogue line carries no `explain`
// (the kernel normally sends one; this table keeps hand-made or older payloads readable).

const SMTP: Record<string, string> = {
  '211': 'System status',
  '214': 'Help message',
  '220': 'Service ready',
  '221': 'Service closing transmission channel',
  '235': 'Authentication succeeded',
  '250': 'Requested action okay',
  '251': 'User not local; will forward',
  '252': 'Cannot verify user, but will accept and attempt delivery',
  '334': 'Server challenge (AUTH in progress)',
  '354': 'Start mail input; end with <CRLF>.<CRLF>',
  '421': 'Service not available, closing channel',
  '450': 'Mailbox unavailable, try again later',
  '451': 'Local error in processing, try again later',
  '452': 'Insufficient system storage, try again later',
  '454': 'Temporary authentication failure',
  '500': 'Syntax error, command unrecognized',
  '501': 'Syntax error in parameters or arguments',
  '502': 'Command not implemented',
  '503': 'Bad sequence of commands',
  '504': 'Command parameter not implemented',
  '530': 'Authentication required',
  '535': 'Authentication credentials invalid',
  '550': 'Mailbox unavailable / policy refusal',
  '551': 'User not local',
  '552': 'Exceeded storage allocation (message too big)',
  '553': 'Mailbox name not allowed',
  '554': 'Transaction failed'
};

const SMTP_CLASS: Record<string, string> = {
  '2': 'Success',
  '3': 'Waiting for more input',
  '4': 'Temporary failure, try again later',
  '5': 'Permanent failure'
};

const POP3: Record<string, string> = { '+OK': 'Success', '-ERR': 'Error' };

const IMAP: Record<string, string> = {
  OK: 'Command completed',
  NO: 'Command failed',
  BAD: 'Command not understood (protocol error)',
  PREAUTH: 'Already authenticated',
  BYE: 'Server is closing the connection'
};

/** The reply code of a server line ("250", "+OK", "NO") or "" when it has none. */
export function replyCode(service: string, text: string): string {
  if (service === 'pop3') {
    return Object.keys(POP3).find(k => text.startsWith(k)) ?? '';
  }
  if (service === 'imap') {
    const parts = text.split(' ');
    if (parts[0] === '+') {
      return '+';
    }
    const status = (parts[1] ?? '').toUpperCase();
    return parts.length >= 2 && status in IMAP ? status : '';
  }
  const m = /^(\d{3})(?:[ -]|$)/.exec(text);
  return m ? m[1] : '';
}

/** A learner's reading of a reply code, "" when unknown. */
export function explainCode(service: string, code: string): string {
  if (!code) {
    return '';
  }
  if (service === 'pop3') {
    return POP3[code] ?? '';
  }
  if (service === 'imap') {
    return code === '+' ? 'Continue: server waits for more from the client' : IMAP[code] ?? '';
  }
  return SMTP[code] ?? SMTP_CLASS[code[0]] ?? '';
}
