// What the files beside a describe-security-groups export tell about it: the prefix lists its rules name (their sizes
// and entries) and the network interfaces that carry its groups.
import { posix } from 'node:path';
import type { Span } from '../../model/location.js';
import { addressFamilyOf, awsManagedPrefixListFamily, awsManagedPrefixListWeight } from '../../model/prefix-lists.js';
import { known, type Value } from '../../model/value.js';
import { field, itemsOf, NONE, spanOf, stringAt, type ExportDocument, type JsonValue } from './document.js';
import { PREFIX_LIST_ID } from './prefilter.js';

export interface PrefixListInfo {
  id: string;
  /** How many rule entries a reference counts for: a customer-managed list's MaxEntries, an AWS-managed list's weight. */
  weight?: Value<number>;
  family?: 4 | 6;
  /** The list's CIDRs, when its entries were exported (get-managed-prefix-list-entries). */
  entries?: { cidr: string; at: Span }[];
}

/** The directory an export file lies in: files "beside" it are those of the same directory. */
export const directoryOf = (path: string): string => posix.dirname(path);

/** Prefix lists by directory and id, from describe-managed-prefix-lists and get-managed-prefix-list-entries output. */
export class PrefixLists {
  private readonly byDir = new Map<string, Map<string, PrefixListInfo>>();

  add(doc: ExportDocument, problem: (at: JsonValue, message: string) => void): void {
    itemsOf(doc, field(doc, doc.root, 'PrefixLists')).forEach((item, i) => {
      const id = stringAt(doc, item, 'PrefixListId');
      if (!doc.json.isObject(item) || id === undefined) return problem(item, `invalid export: PrefixLists[${i}] has no PrefixListId`);
      const info = this.info(doc.path, id);
      const name = stringAt(doc, item, 'PrefixListName');
      const managed = stringAt(doc, item, 'OwnerId') === 'AWS' || name?.startsWith('com.amazonaws.');
      const max = field(doc, item, 'MaxEntries');
      const maxEntries = doc.json.number(max);
      const weight = managed && name ? awsManagedPrefixListWeight(name) : undefined;
      if (weight !== undefined) info.weight = known(weight, spanOf(doc, field(doc, item, 'PrefixListName'), `PrefixLists[${i}].PrefixListName`));
      else if (!managed && maxEntries !== undefined) info.weight = known(maxEntries, spanOf(doc, max, `PrefixLists[${i}].MaxEntries`));
      const family = addressFamilyOf(stringAt(doc, item, 'AddressFamily') ?? '') ?? (managed && name ? awsManagedPrefixListFamily(name) : undefined);
      if (family) info.family = family;
      // Our own export (`sg-lint aws --save`) keeps each list's entries with it.
      const listEntries = field(doc, item, 'Entries');
      if (listEntries !== NONE) info.entries = entriesOf(doc, listEntries, `PrefixLists[${i}].Entries`);
    });
    const entries = field(doc, doc.root, 'Entries');
    if (entries !== NONE) {
      const id = PREFIX_LIST_ID.exec(posix.basename(doc.path))?.[0];
      if (id) this.info(doc.path, id).entries = entriesOf(doc, entries, 'Entries');
    }
  }

  get(file: string, id: string): PrefixListInfo | undefined {
    return this.byDir.get(directoryOf(file))?.get(id);
  }

  private info(file: string, id: string): PrefixListInfo {
    const dir = directoryOf(file);
    let lists = this.byDir.get(dir);
    if (!lists) this.byDir.set(dir, (lists = new Map()));
    let info = lists.get(id);
    if (!info) lists.set(id, (info = { id }));
    return info;
  }
}

function entriesOf(doc: ExportDocument, list: JsonValue, path: string): { cidr: string; at: Span }[] {
  return itemsOf(doc, list).flatMap((entry, i) => {
    const member = field(doc, entry, 'Cidr');
    const cidr = doc.json.string(member);
    return cidr !== undefined ? [{ cidr, at: spanOf(doc, member, `${path}[${i}].Cidr`) }] : [];
  });
}
