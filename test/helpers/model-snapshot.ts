import type { Span } from '../../src/model/location.js';
import type { Model } from '../../src/model/types.js';

const span = (s: Span) => `${s.file}:${s.start.line}:${s.start.column}-${s.end.line}:${s.end.column}${s.path ? ` ${s.path}` : ''}`;

/** The model as plain sorted JSON with compact spans, for snapshots that show what a parser resolved and what it did not. */
export function modelSnapshot(model: Model): unknown {
  return JSON.parse(
    JSON.stringify(
      {
        groups: [...model.groups.values()],
        rules: [...model.rules.values()],
        attachments: model.attachments,
        orphanRules: model.orphanRules,
      },
      (key, value: unknown) => {
        if (value && typeof value === 'object' && 'file' in value && 'start' in value && 'end' in value) return span(value as Span);
        if (key === 'entry' && value && typeof value === 'object') return { ...(value as object), at: undefined };
        return value;
      },
    ),
  );
}
