import { accessMap, aliases, sendmailCf, sendmailMc, virtusertable } from '../src/languages';
import { MAIL_LANGUAGES, mailLanguageFor } from '../src/languages';
import { styled, tokenize } from './tokens';

describe('sendmail.cf tokenizer', () => {
  const cf = [
    '# comment line',
    'V10/Berkeley',
    'DjHOST.example.com',
    'Cwlocalhost',
    'Fw/etc/mail/local-host-names',
    'O AliasFile=/etc/aliases',
    'Kaccess hash -T<TMPF> -o /etc/mail/access.db',
    'Mlocal,\t\tP=/usr/bin/procmail, F=lsDFMAw5:/|@qSPfhn9',
    'Scanonify=3',
    'R$* < @ $=w . > $*\t$: $1 < @ $j . > $2\tlocal name',
    'R$+\t\t$#local $: $1',
    'Xbogus'
  ].join('\n');
  const lines = tokenize(sendmailCf, cf);

  test('comment lines and the line-type letter', () => {
    expect(lines[0]).toEqual([['comment', '# comment line']]);
    for (const i of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      expect(lines[i][0][0]).toBe('keyword');
    }
  });

  test('macro, class and option definitions', () => {
    expect(lines[2][1]).toEqual(['variableName.definition', 'j']);
    expect(lines[2][2]).toEqual(['string', 'HOST.example.com']);
    expect(lines[3][1]).toEqual(['variableName.definition', 'w']);
    expect(styled([lines[5]], 'propertyName')).toEqual(['AliasFile']);
    expect(styled([lines[5]], 'string')).toEqual(['/etc/aliases']);
    expect(styled([lines[6]], 'variableName.definition')).toEqual(['access']);
    expect(styled([lines[7]], 'propertyName')).toEqual(['P', 'F']);
    expect(styled([lines[8]], 'variableName.definition')).toEqual(['canonify']);
  });

  test('rewrite rules: wildcards, class matches, resolution operators, trailing comment', () => {
    const rule = lines[9];
    expect(styled([rule], 'operator')).toEqual(['$*', '$=w', '$*']);
    expect(styled([rule], 'keyword')).toEqual(['R', '$:']);
    expect(styled([rule], 'number')).toEqual(['$1', '$2']);
    expect(styled([rule], 'variableName.special')).toEqual(['$j']);
    expect(rule[rule.length - 1]).toEqual(['comment', 'local name']);
    expect(styled([lines[10]], 'keyword')).toEqual(['R', '$#', '$:']);
  });

  test('a line of no known type is marked invalid', () => {
    expect(lines[11]).toEqual([['invalid', 'Xbogus']]);
  });
});

describe('sendmail.mc tokenizer', () => {
  const mc = [
    "divert(-1)dnl",
    "dnl # This is the sendmail macro config file",
    "include(`/usr/share/sendmail-cf/m4/cf.m4')dnl",
    "define(`confDEF_USER_ID', ``8:12'')dnl",
    "DAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA')dnl",
    "FEATURE(`access_db', `hash -T<TMPF> -o /etc/mail/access.db')dnl",
    "define(`SPLIT', `one",
    "two')dnl"
  ].join('\n');
  const lines = tokenize(sendmailMc, mc);

  test('builtins, sendmail-cf macros and dnl comments', () => {
    expect(lines[0][0]).toEqual(['keyword', 'divert']);
    expect(lines[0][lines[0].length - 1]).toEqual(['comment', 'dnl']);
    expect(lines[1]).toEqual([['comment', 'dnl # This is the sendmail macro config file']]);
    expect(lines[4][0]).toEqual(['variableName.standard', 'DAEMON_OPTIONS']);
    expect(lines[5][0]).toEqual(['variableName.standard', 'FEATURE']);
  });

  test('quoted text, nested quotes, and a quote that spans lines', () => {
    expect(styled([lines[2]], 'string').join('')).toBe("`/usr/share/sendmail-cf/m4/cf.m4'");
    expect(styled([lines[3]], 'string')).toContain("``8:12''");
    expect(lines[6][lines[6].length - 1]).toEqual(['string', '`one']);
    expect(lines[7][0]).toEqual(['string', "two'"]);
    expect(lines[7][2]).toEqual(['comment', 'dnl']);
  });
});

describe('map tokenizers', () => {
  test('access: tags, keys, actions, ERROR replies', () => {
    const lines = tokenize(
      accessMap,
      [
        '# Check the /usr/share/doc/sendmail/README.cf file',
        'Connect:localhost.localdomain\t\tRELAY',
        '192.168.1\t\t\tRELAY',
        'From:spammer@example.com\t\tREJECT',
        'To:bad.example.org\t\tERROR:"550 5.7.1 We do not accept mail"',
        'example.net\t\t\t550 5.7.1 go away'
      ].join('\n')
    );
    expect(lines[0][0][0]).toBe('comment');
    expect(lines[1][0]).toEqual(['keyword', 'Connect:']);
    expect(lines[1][1]).toEqual(['variableName.definition', 'localhost.localdomain']);
    expect(styled(lines, 'atom')).toEqual(['RELAY', 'RELAY', 'REJECT']);
    expect(styled([lines[4]], 'keyword')).toEqual(['To:', 'ERROR:']);
    expect(styled([lines[4]], 'string')).toEqual(['"550 5.7.1 We do not accept mail"']);
    expect(styled([lines[5]], 'number')).toEqual(['550', '5.7.1']);
    expect(styled([lines[5]], 'string')).toEqual(['go', 'away']);
  });

  test('aliases: names, targets, include, files, programs, continuation lines', () => {
    const lines = tokenize(
      aliases,
      [
        '# Basic system aliases',
        'postmaster:\troot',
        'staff:\t:include:/etc/mail/staff.list, alice,',
        '\tbob, /var/log/archive',
        'robot: "|/usr/bin/vacation alice"'
      ].join('\n')
    );
    expect(lines[0][0][0]).toBe('comment');
    expect(styled(lines, 'variableName.definition')).toEqual(['postmaster', 'staff', 'robot']);
    expect(styled(lines, 'variableName')).toEqual(['root', 'alice', 'bob']);
    expect(styled(lines, 'keyword')).toEqual([':include:/etc/mail/staff.list']);
    expect(styled(lines, 'link')).toEqual(['/var/log/archive']);
    expect(styled(lines, 'string')).toEqual(['"|/usr/bin/vacation alice"']);
  });

  test('virtusertable: keys, targets, %1, error: replies', () => {
    const lines = tokenize(
      virtusertable,
      [
        'info@example.com\talice',
        '@example.org\t%1@example.com',
        'nobody@example.com\terror:nouser 550 5.1.1 User unknown'
      ].join('\n')
    );
    expect(styled(lines, 'variableName.definition')).toEqual([
      'info@example.com',
      '@example.org',
      'nobody@example.com'
    ]);
    expect(styled(lines, 'variableName.special')).toEqual(['%1']);
    expect(styled([lines[2]], 'keyword')).toEqual(['error:']);
    expect(styled([lines[2]], 'atom')).toEqual(['nouser']);
    expect(styled([lines[2]], 'number')).toEqual(['550', '5.1.1']);
  });
});

describe('language registration table', () => {
  test('each of sendmail files finds its language by name or extension', () => {
    expect(mailLanguageFor('/etc/mail/sendmail.cf')?.name).toBe('sendmail.cf');
    expect(mailLanguageFor('etc/mail/submit.cf')?.name).toBe('sendmail.cf');
    expect(mailLanguageFor('my.mc')?.name).toBe('sendmail.mc');
    expect(mailLanguageFor('/etc/aliases')?.name).toBe('sendmail-aliases');
    expect(mailLanguageFor('/etc/mail/access')?.name).toBe('sendmail-access');
    expect(mailLanguageFor('/etc/mail/virtusertable')?.name).toBe('sendmail-virtusertable');
    expect(mailLanguageFor('/etc/mail/access.db')).toBeUndefined();
    expect(mailLanguageFor('notes.txt')).toBeUndefined();
  });

  test('MIME types are distinct', () => {
    const mimes = MAIL_LANGUAGES.map(l => l.mime);
    expect(new Set(mimes).size).toBe(mimes.length);
  });
});
