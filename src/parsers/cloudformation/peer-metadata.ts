import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { PeerMark, PeerTool, Range } from '../types.js';
import { pos, type TemplateDocument } from './document.js';

/** Each resource from its logical id through the end of its body: what a checkov skip comment inside it covers. */
export function resourceRanges(t: TemplateDocument): Range[] {
  return resourcePairs(t).map((r) => r.scope);
}

/**
 * Other scanners' suppressions in `Metadata`. On a resource: checkov `checkov.skip` (and its older name
 * `bridgecrew.skip`) `[{ id, comment }]`, cfn_nag `cfn_nag.rules_to_suppress` `[{ id, reason }]` and cfn-lint
 * `cfn-lint.config.ignore_checks` `[id]`, each covering that resource; on the template, cfn-lint's covers the whole
 * template. Entries of another shape are passed over: they are those tools' to judge.
 */
export function peerMetadata(t: TemplateDocument): PeerMark[] {
  const out: PeerMark[] = [];
  const range = (node: Node): Range => ({ start: pos(t.lines, node.range![0]), end: pos(t.lines, node.range![1]) });
  const add = (tool: PeerTool, entries: Node | undefined, scope: Range, idKey: string | null, reasonKey?: string) => {
    if (!isSeq(entries)) return;
    for (const entry of entries.items as Node[]) {
      if (!entry?.range) continue;
      const id = idKey === null ? scalarText(entry) : isMap(entry) ? scalarText(entry.get(idKey, true) as Node | undefined) : undefined;
      if (id === undefined) continue;
      const reason = reasonKey && isMap(entry) ? scalarText(entry.get(reasonKey, true) as Node | undefined) : undefined;
      out.push({ tool, id, ...(reason ? { reason } : {}), at: range(entry), scope });
    }
  };
  for (const { body, scope } of resourcePairs(t)) {
    const metadata = body.get('Metadata', true);
    if (!isMap(metadata)) continue;
    add('checkov', metadata.getIn(['checkov', 'skip'], true) as Node | undefined, scope, 'id', 'comment');
    add('checkov', metadata.getIn(['bridgecrew', 'skip'], true) as Node | undefined, scope, 'id', 'comment');
    add('cfn_nag', metadata.getIn(['cfn_nag', 'rules_to_suppress'], true) as Node | undefined, scope, 'id', 'reason');
    add('cfn-lint', metadata.getIn(['cfn-lint', 'config', 'ignore_checks'], true) as Node | undefined, scope, null);
  }
  if (isMap(t.root) && t.root.range) {
    add('cfn-lint', t.root.getIn(['Metadata', 'cfn-lint', 'config', 'ignore_checks'], true) as Node | undefined, range(t.root), null);
  }
  return out;
}

function resourcePairs(t: TemplateDocument) {
  const resources = isMap(t.root) ? t.root.get('Resources', true) : undefined;
  if (!isMap(resources)) return [];
  const out = [];
  for (const pair of resources.items) {
    const key = pair.key as Node | null;
    const body = pair.value;
    if (!key?.range || !isMap(body) || !body.range) continue;
    out.push({ body, scope: { start: pos(t.lines, key.range[0]), end: pos(t.lines, body.range[1]) } });
  }
  return out;
}

/** A scalar's text (ids may be written unquoted, as numbers); anything else is not an id or a reason. */
function scalarText(node: Node | undefined | null): string | undefined {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') return undefined;
  const text = String(node.value).trim();
  return text === '' ? undefined : text;
}
