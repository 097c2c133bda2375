// The tokenizers over the real files a fresh mail host starts with (mailkit/core/templates,
// generated with real m4 from CentOS's sendmail.mc): every line is tokenized to its end and
// nothing sendmail accepts is marked invalid.
import fs from 'fs';
import path from 'path';
import { mailLanguageFor } from '../src/languages';
import { tokenize } from './tokens';

const ETC = path.resolve(__dirname, '../../mailkit/core/templates/etc');
const FILES = ['mail/sendmail.cf', 'mail/submit.cf', 'mail/sendmail.mc', 'mail/submit.mc', 'aliases', 'mail/access', 'mail/virtusertable'];

describe.each(FILES)('%s', file => {
  const full = path.join(ETC, file);
  const run = fs.existsSync(full) ? test : test.skip;

  run('tokenizes completely with no invalid tokens', () => {
    const lang = mailLanguageFor(full);
    expect(lang).toBeDefined();
    const text = fs.readFileSync(full, 'utf8');
    const lines = tokenize(lang!.parser, text);
    expect(lines.map(l => l.map(([, t]) => t).join(''))).toEqual(text.split('\n'));
    const invalid = lines.flat().filter(([s]) => s === 'invalid');
    expect(invalid).toEqual([]);
    if (text.trim()) {
      expect(lines.flat().some(([s]) => s !== null)).toBe(true); // something is coloured
    }
  });
});
