// describe-network-interfaces output → one attachment per network interface, listing the groups it carries.
import type { AttachedGroup } from '../../model/types.js';
import { known } from '../../model/value.js';
import { field, itemsOf, pairSpan, spanOf, stringAt, type ExportDocument, type JsonValue } from './document.js';
import type { ExportContext } from './groups.js';

export function extractInterfaces(ctx: ExportContext, doc: ExportDocument): void {
  itemsOf(doc, field(doc, doc.root, 'NetworkInterfaces')).forEach((eni, i) => {
    const path = `NetworkInterfaces[${i}]`;
    const id = stringAt(doc, eni, 'NetworkInterfaceId');
    if (!doc.json.isObject(eni) || id === undefined) return ctx.problem(doc, eni, `invalid export: ${path} has no NetworkInterfaceId`);
    const owner = stringAt(doc, eni, 'OwnerId');
    const groups: AttachedGroup[] = itemsOf(doc, field(doc, eni, 'Groups')).flatMap((g, k) => {
      const groupId = stringAt(doc, g, 'GroupId');
      if (groupId === undefined) return [];
      const at = spanOf(doc, field(doc, g, 'GroupId'), `${path}.Groups[${k}].GroupId`);
      const model = ctx.groups.resolve(groupId, owner, doc.path);
      return [{ ref: model ? { kind: 'model' as const, id: model } : { kind: 'external' as const, id: known(groupId, at) }, at }];
    });
    const at = pairSpan(doc, eni, 'NetworkInterfaceId', path);
    ctx.facts.attachments.push({ target: { kind: 'network-interface', address: interfaceAddress(doc, eni, id), at }, groups, complete: true, additive: false, at });
  });
}

/** `eni-0abc… (i-0def…)`: the interface, and what it belongs to (its instance, else its description: "ELB app/shop/…"). */
function interfaceAddress(doc: ExportDocument, eni: JsonValue, id: string): string {
  const owner = stringAt(doc, field(doc, eni, 'Attachment'), 'InstanceId') ?? stringAt(doc, eni, 'Description');
  return owner ? `${id} (${owner})` : id;
}
