import type { StreamParser, StringStream } from '@codemirror/language';

// sendmail.cf (and submit.cf): every line is typed by its first character (V D C F K O M S R H
// P T E L Q; '#' a comment; leading white space continues the previous line). In R lines the
// fields are separated by tabs: left-hand side, right-hand side, then a comment.

export interface ICfState {
  kind: string; // the type letter of the current logical line, '' for none
  field: number; // R lines: 0 lhs, 1 rhs, 2 comment
  needName: boolean; // D/C/F/S/K/M lines: the name right after the letter comes next
  inValue: boolean; // O/M lines: after "=" comes a value
}

const LINE_TYPES = 'VDCFKOMSRHPTELQ';

function macro(stream: StringStream, state: ICfState): string {
  // called after '$' was eaten
  if (stream.eat('{')) {
    stream.eatWhile(/[^}\s]/);
    stream.eat('}');
    return 'variableName.special';
  }
  const c = stream.next();
  if (c === undefined) {
    return 'invalid';
  }
  if (c === '#' || c === ':' || (c === '@' && state.field === 1)) {
    return 'keyword'; // $#mailer $@host $:user, and $@ "return" in a right-hand side
  }
  if (c === '=' || c === '~') {
    if (stream.eat('{')) {
      stream.eatWhile(/[^}]/); // class named {name}
      stream.eat('}');
    } else {
      stream.next(); // class named by one letter
    }
    return 'operator'; // class match $=w / $~w
  }
  if ('+*-@|'.includes(c)) {
    return 'operator'; // wildcards of a left-hand side
  }
  if (/\d/.test(c)) {
    return 'number'; // $1: what the first wildcard matched
  }
  if (c === '&' || c === '?') {
    stream.eat(/\w/); // $&x: macro expanded at run time; $?x: conditional
    return 'variableName.special';
  }
  if ('.|>[]()'.includes(c)) {
    return 'operator'; // conditionals, lookups ($[ $] $( $)) and the ruleset call $>
  }
  return 'variableName.special'; // macro use: $j, $w, ...
}

export const sendmailCf: StreamParser<ICfState> = {
  name: 'sendmail.cf',
  startState: () => ({ kind: '', field: 0, needName: false, inValue: false }),
  copyState: s => ({ ...s }),
  blankLine: s => {
    s.kind = '';
  },
  token(stream, state) {
    if (stream.sol()) {
      const first = stream.peek() ?? '';
      if (first === ' ' || first === '\t') {
        stream.eatSpace(); // a continuation line keeps the previous line's type
        return null;
      }
      state.field = 0;
      state.inValue = false;
      if (first === '#') {
        state.kind = '#';
        stream.skipToEnd();
        return 'comment';
      }
      state.kind = first;
      stream.next();
      if (!LINE_TYPES.includes(first)) {
        stream.skipToEnd();
        return 'invalid'; // sendmail itself refuses such a line
      }
      state.needName = 'DCFSKM'.includes(first);
      return 'keyword';
    }
    if (state.kind === 'R') {
      if (stream.eat('\t')) {
        stream.eatWhile('\t');
        state.field = Math.min(state.field + 1, 2);
        return null;
      }
      if (state.field >= 2) {
        stream.skipToEnd();
        return 'comment';
      }
    }
    if (state.needName) {
      state.needName = false;
      if (state.kind === 'D' || state.kind === 'C' || state.kind === 'F') {
        if (stream.eat('{')) {
          stream.eatWhile(/[^}]/);
          stream.eat('}');
        } else {
          stream.next();
        }
        return 'variableName.definition';
      }
      stream.eatSpace();
      if (stream.eatWhile(/[\w.-]/)) {
        return state.kind === 'S' && /^\d+$/.test(stream.current().trim())
          ? 'number'
          : 'variableName.definition';
      }
    }
    if (stream.eat('$')) {
      return macro(stream, state);
    }
    if (state.kind === 'O' || state.kind === 'M') {
      if (!state.inValue && stream.match(/^\s*[\w.]+(?==)/)) {
        return 'propertyName';
      }
      if (stream.eat('=')) {
        state.inValue = true;
        return 'operator';
      }
      if (stream.eat(',')) {
        state.inValue = false;
        return 'punctuation';
      }
    }
    // plain text up to the next thing that has its own colour
    stream.next();
    stream.eatWhile(state.kind === 'R' ? /[^$\t]/ : state.kind === 'O' || state.kind === 'M' ? /[^$=,]/ : /[^$]/);
    if (state.kind === 'D' || state.kind === 'H' || (state.kind === 'O' && state.inValue)) {
      return 'string';
    }
    return null;
  },
  languageData: { commentTokens: { line: '#' } }
};
