import type { StreamParser } from '@codemirror/language';

// sendmail.mc is m4 input: `quoted' text (quotes nest), dnl and # comments, m4 builtins, and
// sendmail-cf's upper-case macros (FEATURE, DAEMON_OPTIONS, MAILER, ...).

export interface IMcState {
  depth: number; // m4 quote nesting: inside `...' when > 0
}

const BUILTINS = new Set([
  'define', 'undefine', 'divert', 'undivert', 'divnum', 'include', 'sinclude', 'ifdef',
  'ifelse', 'changequote', 'changecom', 'dnl', 'defn', 'pushdef', 'popdef', 'esyscmd', 'syscmd',
  'translit', 'incr', 'decr', 'eval', 'len', 'index', 'substr', 'format', 'shift', 'errprint'
]);

export const sendmailMc: StreamParser<IMcState> = {
  name: 'sendmail.mc',
  startState: () => ({ depth: 0 }),
  copyState: s => ({ ...s }),
  token(stream, state) {
    if (state.depth === 0 && stream.eat('`')) {
      state.depth = 1; // the opening quote belongs to the string token
    }
    if (state.depth > 0) {
      // inside quotes: everything is text until the matching close quote (maybe next line)
      while (!stream.eol()) {
        const c = stream.next();
        if (c === '`') {
          state.depth++;
        } else if (c === "'" && --state.depth === 0) {
          break;
        }
      }
      return 'string';
    }
    if (stream.eatSpace()) {
      return null;
    }
    if (stream.match(/^dnl\b/)) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.peek() === '#') {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match(/^[A-Za-z_]\w*/)) {
      const word = stream.current();
      if (BUILTINS.has(word)) {
        return 'keyword';
      }
      if (/^[A-Z][A-Z0-9_]*$/.test(word)) {
        return 'variableName.standard'; // sendmail-cf macros: FEATURE, OSTYPE, DAEMON_OPTIONS, ...
      }
      return null;
    }
    if (stream.match(/^\d+/)) {
      return 'number';
    }
    const c = stream.next();
    if (c === '(' || c === ')') {
      return 'paren';
    }
    if (c === ',') {
      return 'separator';
    }
    return null;
  },
  languageData: { commentTokens: { line: 'dnl' } }
};
