import type { Position } from 'vscode-languageserver';

/** The LSP position (0-based line, UTF-16 character) of a string offset. */
export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
}
