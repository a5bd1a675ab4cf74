// The comparison both docs replays (graph-docs-examples, graph-docs-catalogue-examples) make between a
// documented response body and ours: every documented field answered with the documented value, except what
// the example marks (a value Graph chose, a mailbox, a field the schema lacks, one the request contradicts, a
// collection shortened for readability).
import assert from 'node:assert/strict';

/** How an example tells the comparison where the documented body is not to be taken literally. */
export interface DocumentedExample {
  page: string;
  title: string;
  /** Values Graph chose (a new entity's GUID): present and a non-empty string, not the documented value. */
  generated?: string[];
  /** A new business's id: compared by the mailbox's local part, ignoring case. */
  mailbox?: string[];
  /** Documented fields the version's schema lacks: they must not be answered. */
  notInSchema?: string[];
  /** Documented values that contradict the example's own request: the request's value is expected. */
  asRequested?: Record<string, unknown>;
  /** Collections the page shortened: every documented member is there, others may be too. */
  truncated?: string[];
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every documented field is in our answer with the documented value, unless the example says otherwise. */
export function expectDocumented(ex: DocumentedExample, doc: unknown, ours: unknown, path = ''): void {
  const where = `${ex.page} (${ex.title}): ${path || 'body'}`;
  if (ex.generated?.includes(path)) {
    assert.ok(typeof ours === 'string' && ours !== '', `${where}: a value the server chose`);
    return;
  }
  if (ex.mailbox?.includes(path)) {
    const local = (v: unknown) => String(v).split('@')[0]!.toLowerCase();
    assert.equal(local(ours), local(doc), `${where}: the mailbox named after the business`);
    return;
  }
  if (ex.asRequested && path in ex.asRequested) {
    assert.deepEqual(ours, ex.asRequested[path], `${where}: what the request sent (the page's sample answer contradicts it)`);
    return;
  }
  if (Array.isArray(doc)) {
    assert.ok(Array.isArray(ours), `${where}: a collection`);
    if (!ex.truncated?.includes(path)) assert.equal(ours.length, doc.length, `${where}: as many members as documented`);
    const byId = doc.every((d) => isObject(d) && typeof d.id === 'string');
    doc.forEach((d, i) => {
      const mine = byId ? ours.find((o: any) => String(o?.id).toLowerCase() === String(d.id).toLowerCase()) : ours[i];
      assert.ok(mine !== undefined, `${where}: member ${byId ? d.id : i} is there`);
      expectDocumented(ex, d, mine, `${path}[]`);
    });
    return;
  }
  if (isObject(doc)) {
    assert.ok(isObject(ours), `${where}: an object`);
    for (const [key, value] of Object.entries(doc)) {
      if (key === '@odata.context') continue;
      const child = path ? `${path}.${key}` : key;
      if (ex.notInSchema?.includes(child)) {
        assert.equal(key in ours, false, `${ex.page}: ${child} is documented, but not in this version's schema: not answered`);
        continue;
      }
      assert.ok(key in ours, `${ex.page} (${ex.title}): ${child} is answered`);
      expectDocumented(ex, value, ours[key], child);
    }
    return;
  }
  assert.deepEqual(ours, doc, where);
}
