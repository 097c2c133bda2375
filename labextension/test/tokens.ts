import { StreamParser, StringStream } from '@codemirror/language';

export type Token = [style: string | null, text: string];

/** Runs a stream parser over text the way CodeMirror does, line by line, keeping its state. */
export function tokenize<S>(parser: StreamParser<S>, text: string): Token[][] {
  const state = parser.startState!(2);
  return text.split('\n').map(line => {
    if (line === '') {
      parser.blankLine?.(state, 2);
      return [];
    }
    const stream = new StringStream(line, 4, 2);
    const out: Token[] = [];
    while (!stream.eol()) {
      const style = parser.token(stream, state);
      if (stream.pos === stream.start) {
        throw new Error(`parser made no progress at ${stream.pos} of ${JSON.stringify(line)}`);
      }
      out.push([style, stream.current()]);
      stream.start = stream.pos;
    }
    return out;
  });
}

/** The text of every token with the given style, in order. */
export function styled(lines: Token[][], style: string): string[] {
  return lines.flat().filter(([s]) => s === style).map(([, t]) => t.trim());
}
