// What `import` and `export` move besides customers: a business's Bookings catalogue, one collection at a
// time or all of it at once (JSON lines, each entity naming its type in `@odata.type`). The catalogue's order
// is the order its references allow: services name staff members and custom questions, so they come last.
import { StructuredType, type Model } from '../model/model.js';
import { CUSTOM_QUESTION_TYPE, SERVICE_TYPE, STAFF_MEMBER_TYPE } from '../model/schemas/bookings-catalogue.js';
import type { InputRecord } from './records.js';

export const CATALOGUE: ReadonlyArray<{ collection: string; type: string }> = [
  { collection: 'customQuestions', type: CUSTOM_QUESTION_TYPE },
  { collection: 'staffMembers', type: STAFF_MEMBER_TYPE },
  { collection: 'services', type: SERVICE_TYPE },
];

/** What --type names: one collection of a business, or its whole catalogue. */
export const TRANSFER_TYPES = ['customers', ...CATALOGUE.map((c) => c.collection), 'catalogue'] as const;
export type TransferType = (typeof TRANSFER_TYPES)[number];

/** The path of one collection of a business. */
export function collectionPath(businessId: string, collection: string): string {
  return `solutions/bookingBusinesses/${encodeURIComponent(businessId)}/${collection}`;
}

/**
 * The records of a catalogue file, by collection in CATALOGUE order, whatever order the file has them in:
 * each names its type in `@odata.type` (what export writes). Held in memory: a catalogue is services, staff
 * and questions of one business, not a customer list. A line of no catalogue type is an invalid record.
 */
export async function splitCatalogue(model: Model, records: AsyncIterable<InputRecord>): Promise<Array<{ collection: string; records: InputRecord[] }>> {
  const groups = CATALOGUE.map((c) => ({ collection: c.collection, type: model.entityType(c.type), records: [] as InputRecord[] }));
  const invalid: InputRecord[] = [];
  const names = CATALOGUE.map((c) => `#${c.type}`).join(', ');
  for await (const rec of records) {
    if (rec.error !== undefined) {
      invalid.push(rec);
      continue;
    }
    const annotation = typeof rec.body === 'object' && rec.body !== null ? (rec.body as Record<string, unknown>)['@odata.type'] : undefined;
    const named = typeof annotation === 'string' ? model.findType(annotation.replace(/^#/, '').replace(/^graph\./, 'microsoft.graph.')) : undefined;
    const group = named instanceof StructuredType ? groups.find((g) => g.type.isAssignableFrom(named)) : undefined;
    if (group) group.records.push(rec);
    else invalid.push({ line: rec.line, error: `a catalogue line names its type in '@odata.type', one of ${names}; found ${JSON.stringify(annotation ?? null)}` });
  }
  // Invalid lines are reported with the first group, in line order with its own.
  groups[0]!.records = [...invalid, ...groups[0]!.records].sort((a, b) => a.line - b.line);
  return groups.map(({ collection, records }) => ({ collection, records }));
}
