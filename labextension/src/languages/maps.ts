import type { StreamParser, StringStream } from '@codemirror/language';

// The text sources of sendmail's maps: key, white space (or ':' for aliases), value; '#'
// starts a comment line. aliases may continue a value on lines that start with white space.

export interface IMapState {
  inValue: boolean;
}

type ValueTokenizer = (stream: StringStream) => string | null;

function words(stream: StringStream): string | null {
  stream.eatWhile(/[^\s"]/);
  return null;
}

function quoted(stream: StringStream): boolean {
  if (!stream.eat('"')) {
    return false;
  }
  while (!stream.eol()) {
    const c = stream.next();
    if (c === '\\') {
      stream.next();
    } else if (c === '"') {
      break;
    }
  }
  return true;
}

function replyCodes(stream: StringStream): string | null {
  if (stream.match(/^\d{3}\b/) || stream.match(/^\d\.\d{1,3}\.\d{1,3}\b/)) {
    return 'number';
  }
  return null;
}

const accessValue: ValueTokenizer = stream => {
  if (stream.match(/^(RELAY|OK|REJECT|DISCARD|SKIP)\b/)) {
    return 'atom';
  }
  if (stream.match(/^ERROR:/)) {
    return 'keyword';
  }
  if (quoted(stream)) {
    return 'string';
  }
  const code = replyCodes(stream);
  if (code) {
    return code;
  }
  stream.eatWhile(/[^\s"]/);
  return 'string'; // the message text of an ERROR reply
};

const virtuserValue: ValueTokenizer = stream => {
  if (stream.match(/^error:/)) {
    return 'keyword';
  }
  if (stream.match(/^(nouser|nohost|unavailable|tempfail|usage|dataerr|noperm|protocol|software|config)\b/)) {
    return 'atom';
  }
  const code = replyCodes(stream);
  if (code) {
    return code;
  }
  if (stream.match(/^%\d/)) {
    return 'variableName.special'; // %1: the user part of a @domain key
  }
  stream.eatWhile(/[^\s%]/);
  return 'variableName';
};

const aliasValue: ValueTokenizer = stream => {
  if (stream.eat(',')) {
    return 'separator';
  }
  if (stream.match(/^:include:/)) {
    stream.eatWhile(/[^\s,]/);
    return 'keyword';
  }
  if (quoted(stream)) {
    return 'string';
  }
  if (stream.peek() === '|') {
    stream.eatWhile(/[^,]/); // a program runs to the next comma
    return 'string';
  }
  if (stream.peek() === '/') {
    stream.eatWhile(/[^\s,]/);
    return 'link'; // append to a file
  }
  stream.eatWhile(/[^\s,"]/);
  return 'variableName';
};

function mapParser(
  name: string,
  key: (stream: StringStream, state: IMapState) => string | null,
  value: ValueTokenizer,
  continuation: boolean
): StreamParser<IMapState> {
  return {
    name,
    startState: () => ({ inValue: false }),
    copyState: s => ({ ...s }),
    token(stream, state) {
      if (stream.sol()) {
        if (stream.peek() === '#') {
          stream.skipToEnd();
          state.inValue = false;
          return 'comment';
        }
        const indented = stream.eatSpace();
        state.inValue = continuation && indented && state.inValue;
        if (indented) {
          return null;
        }
      }
      if (stream.eatSpace()) {
        return null;
      }
      if (!state.inValue) {
        return key(stream, state);
      }
      return value(stream) ?? words(stream);
    }
  ,
    languageData: { commentTokens: { line: '#' } }
  };
}

export const accessMap = mapParser(
  'access',
  (stream, state) => {
    if (stream.match(/^(Connect|From|To|Spam):/i)) {
      return 'keyword'; // the tag of a tagged key
    }
    stream.eatWhile(/\S/);
    state.inValue = true;
    return 'variableName.definition';
  },
  accessValue,
  false
);

export const virtusertable = mapParser(
  'virtusertable',
  (stream, state) => {
    stream.eatWhile(/\S/);
    state.inValue = true;
    return 'variableName.definition';
  },
  virtuserValue,
  false
);

export const aliases = mapParser(
  'aliases',
  (stream, state) => {
    if (stream.eat(':')) {
      state.inValue = true;
      return 'punctuation';
    }
    if (stream.match(/^"[^"]*"/) || stream.eatWhile(/[^:\s]/)) {
      return 'variableName.definition';
    }
    stream.next();
    return 'invalid';
  },
  aliasValue,
  true
);
