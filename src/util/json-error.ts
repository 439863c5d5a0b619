import type { Pos } from '../model/location.js';

/**
 * A JSON.parse failure as a position and a message that quotes nothing of the text: Node 20's messages include a
 * snippet of the input (`Unexpected token 'a', "aws_secret"... is not valid JSON`), and the input may be a file that
 * was never meant to be read as JSON.
 */
export function jsonSyntaxError(text: string, error: unknown): Pos & { message: string } {
  const raw = error instanceof Error ? error.message : String(error);
  const at = /position (\d+)/.exec(raw);
  const message = raw
    .replace(/^".*" is not valid JSON$/s, 'not valid JSON')
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/^Unexpected token .*?(?=$| in JSON)/s, 'Unexpected token')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ after JSON at position \d+.*$/s, ' after the JSON value')
    .replace(/\s*\(line \d+ column \d+\)$/, '');
  const offset = at ? Math.min(Number(at[1]), text.length) : 0;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n'), message };
}
