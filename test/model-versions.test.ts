// The per-version vocabulary itself, on a small declaration of its own (no Graph type needs every feature
// yet): what each version sees, how both map to one storage shape, and how a version's writes keep the other's
// data. It needs no store.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiVersion, SchemaDecl } from '../src/model/edm.js';
import { Model } from '../src/model/model.js';
import { BodyValidator } from '../src/model/validate.js';
import { carryHiddenFields, projectSchema } from '../src/model/versions.js';
import { serializeEntity } from '../src/odata/serialize.js';
import { StorageSchema } from '../src/store/schema.js';

const schema: SchemaDecl = {
  namespace: 'test',
  types: [
    { kind: 'entity', name: 'base', abstract: true, properties: [{ name: 'id', type: 'Edm.String', nullable: false }] },
    { kind: 'entity', name: 'itemBase', versions: ['v1.0'], baseType: 'test.base', abstract: true, properties: [] },
    { kind: 'enum', name: 'level', members: ['low', 'high'], byVersion: { 'v1.0': { members: ['low', 'high', 'unknownFutureValue'] } } },
    {
      kind: 'complex',
      name: 'slot',
      properties: [
        { name: 'start', type: 'Edm.TimeOfDay', versions: ['beta'], storedAs: 'startTime' },
        { name: 'startTime', type: 'Edm.TimeOfDay', versions: ['v1.0'] },
        { name: 'note', type: 'Edm.String', versions: ['beta'], acceptedIn: { 'v1.0': 'asSent' } },
        { name: 'kind', type: 'Edm.String', versions: ['beta'], acceptedIn: { 'v1.0': { stored: 'other' } } },
        { name: 'language', type: 'Edm.String', versions: ['v1.0'] },
      ],
    },
    {
      kind: 'entity',
      name: 'item',
      baseType: 'test.base',
      byVersion: { 'v1.0': { baseType: 'test.itemBase' } },
      table: 'items',
      properties: [
        { name: 'begins', type: 'Edm.String', versions: ['beta'], storedAs: 'beginsAt' },
        { name: 'beginsAt', type: 'Edm.String', versions: ['v1.0'] },
        { name: 'level', type: 'test.level', byVersion: { 'v1.0': { nullable: false } } },
        { name: 'slots', type: 'test.slot', collection: true },
        { name: 'colour', type: 'Edm.Int32', versions: ['beta'] },
      ],
    },
    {
      kind: 'entity',
      name: 'root',
      baseType: 'test.base',
      table: 'roots',
      properties: [],
      navigation: [{ name: 'items', type: 'test.item', byVersion: { 'v1.0': { type: 'test.itemBase' } }, collection: true, containsTarget: true }],
    },
  ],
  entitySets: [
    { name: 'roots', type: 'test.root' },
    { name: 'betaOnly', type: 'test.root', versions: ['beta'] },
  ],
};

function models(): Record<ApiVersion, Model> {
  const beta = new Model([projectSchema(schema, 'beta')], 'beta');
  const v1 = new Model([projectSchema(schema, 'v1.0')], 'v1.0');
  const all = new Map<ApiVersion, Model>([['beta', beta], ['v1.0', v1]]);
  beta.versions = all;
  v1.versions = all;
  return { beta, 'v1.0': v1 };
}

describe('the per-version vocabulary', () => {
  it('each version sees its own types, base types, properties, members and sets', () => {
    const m = models();
    assert.equal(m.beta.findType('test.itemBase'), undefined, 'beta lacks the v1.0-only type');
    assert.equal(m['v1.0'].structuredType('test.item').base?.name, 'itemBase', 'v1.0 base type');
    assert.equal(m.beta.structuredType('test.item').base?.name, 'base', 'beta base type');
    assert.deepEqual(m.beta.structuredType('test.item').properties.map((p) => p.name), ['id', 'begins', 'level', 'slots', 'colour'], 'beta properties');
    assert.deepEqual(m['v1.0'].structuredType('test.item').properties.map((p) => p.name), ['id', 'beginsAt', 'level', 'slots'], 'v1.0 properties');
    assert.equal(m['v1.0'].structuredType('test.item').property('level')!.nullable, false, 'a per-version override');
    assert.equal(m.beta.structuredType('test.item').property('level')!.nullable, true, 'the plain declaration elsewhere');
    assert.deepEqual((m['v1.0'].findType('test.level') as { members: string[] }).members, ['low', 'high', 'unknownFutureValue'], 'v1.0 enum members');
    assert.ok(m.beta.entitySet('betaOnly') && !m['v1.0'].entitySet('betaOnly'), 'a beta-only entity set');
    assert.equal(m['v1.0'].memberType('test.itemBase').name, 'item', 'a collection of the abstract base holds its stored descendant');
    assert.equal(m['v1.0'].containerOf(m['v1.0'].structuredType('test.item'))?.parent.name, 'root', 'and is contained in its parent');
  });

  it('storage is the union of the versions: one column per datum, whatever each version calls it', () => {
    const m = models();
    const table = new StorageSchema(m.beta).table(m['v1.0'].structuredType('test.item'));
    assert.deepEqual(table.columns.map((c) => c.name), ['id', 'beginsAt', 'level', 'slots', 'colour'], 'columns, renamed ones shared');
  });

  it('a value written by one version reads in the other, and what one cannot say is kept', () => {
    const m = models();
    const fromBeta = new BodyValidator(m.beta).entity(
      m.beta.structuredType('test.item'),
      { begins: 'dawn', colour: 3, slots: [{ start: '08:00:00', note: 'n', kind: 'k' }] },
      'create',
    );
    assert.deepEqual(fromBeta, { beginsAt: 'dawn', colour: 3, slots: [{ startTime: '08:00:00', note: 'n', kind: 'k' }] }, 'stored under storage names');
    const v1 = serializeEntity(m['v1.0'].structuredType('test.item'), { id: 'x', level: 'low', ...fromBeta });
    assert.equal(v1.beginsAt, 'dawn', 'v1.0 reads the renamed column');
    assert.deepEqual(v1.slots, [{ startTime: '08:00:00', language: null }], "v1.0 shows its own slot shape, none of beta's fields");
    assert.equal('colour' in v1, false, 'nor beta-only properties');

    const fromV1 = new BodyValidator(m['v1.0']).entity(
      m['v1.0'].structuredType('test.item'),
      { level: 'high', slots: [{ startTime: '09:00:00', language: 'en', note: 'sent', kind: 'ignored' }] },
      'update',
    );
    assert.deepEqual(fromV1.slots, [{ startTime: '09:00:00', language: 'en', note: 'sent', kind: 'other' }], 'accepted as sent, or stored as declared');
    const kept = carryHiddenFields(m.beta.structuredType('test.slot'), [{ startTime: '10:00:00', note: null, kind: null }], fromV1.slots, true);
    assert.deepEqual(kept, [{ startTime: '10:00:00', note: null, kind: null, language: 'en' }], "a beta rewrite keeps v1.0's language at its position");
    assert.throws(() => new BodyValidator(m.beta).entity(m.beta.structuredType('test.item'), { slots: [{ language: 'en' }] }, 'create'), /does not exist/, "beta refuses v1.0's field");
  });
});
