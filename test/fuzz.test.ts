// Bad input, generated: fast-check throws request bodies, query options ($filter/$orderby/$select/...), paths,
// headers and raw HTTP bytes at a real server process. Whatever it is sent, the server answers below 500 (a
// Graph-shaped error when it refuses), answers within the time limit, and stays up.
//   CLIENTELE_FUZZ_RUNS=5000 CLIENTELE_FUZZ_SEED=42 node --import tsx --test test/fuzz.test.ts
// runs longer or replays a failure (fast-check prints the seed and the shrunk counterexample).
// test-engines: sqlite (it starts its own server on the embedded store)
// test-duration: long (test/run.ts starts it first)
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { loadModel } from '../src/model/index.js';
import type { Property, StructuredType } from '../src/model/model.js';
import { onceOnly, startServerProcess, type ServerProcess } from './helpers/server-process.js';

const RUNS = Number(process.env.CLIENTELE_FUZZ_RUNS ?? 150);
const SEED = process.env.CLIENTELE_FUZZ_SEED ? Number(process.env.CLIENTELE_FUZZ_SEED) : undefined;
const ANSWER_WITHIN_MS = 10_000;
const params = (runs = RUNS): fc.Parameters<unknown> => ({ numRuns: runs, seed: SEED, includeErrorInReport: true });
// CLIENTELE_FUZZ_STATS=1 prints how the answers were spread over statuses: a fuzzer that only ever gets 400s
// is not reaching far into the server.
const statuses = new Map<string, Map<number, number>>();
let property = '';
const tally = (status: number) => {
  const m = statuses.get(property) ?? statuses.set(property, new Map()).get(property)!;
  m.set(status, (m.get(status) ?? 0) + 1);
};

// ---- the vocabulary comes from the model, so the fuzzer hits real names as often as junk ----------------

const model = loadModel();
const types = model.structuredTypes();
const PROPS = [...new Set(types.flatMap((t) => t.properties.map((p) => p.name)))];
const SETS = [...model.entitySets.map((s) => s.name), ...model.singletons.map((s) => s.name)];
const NAVS = [...new Set(types.flatMap((t) => t.navigation.map((n) => n.name)))];
const TYPE_NAMES = types.map((t) => t.qualifiedName);
const ENUM_MEMBERS = model.enumTypes().flatMap((e) => e.members);
const TRICKY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '@odata.type', '@odata.etag', 'addresses@odata.type', '@odata.context', ''];
const TRICKY_STRINGS = [
  '', ' ', '\u0000', '\ud800', '\uffff', "'", "''", '"', '\\', '%', '%00', '/', '..', 'NaN', 'INF', '-INF', 'null', 'true',
  '2024-02-30T00:00:00Z', '9999-12-31T23:59:59.9999999+14:00', '0001-01-01T00:00:00-14:00', '2024-01-01T25:00:00Z', '2024-01-01',
  'P1D', 'PT', '00000000-0000-0000-0000-000000000000', 'x'.repeat(5000), 'home,business', '#microsoft.graph.bookingCustomer',
  '#graph.phone', 'microsoft.graph.entity', ...ENUM_MEMBERS.slice(0, 8), ...TYPE_NAMES.map((n) => `#${n}`),
];

// ---- the server and its fixtures ---------------------------------------------------------------------

let server: ServerProcess;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
interface Fixtures {
  business: string;
  customer: string;
  operation: string;
  partner: string;
  skiptoken: string;
}
let fx: Fixtures;


interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** Only printable ASCII goes into a request target; everything else is percent-encoded (as a client would). */
function target(raw: string): string {
  return raw.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c).replace(/%25/g, '%'));
}

function send(method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Bodies are framed (Content-Length) even on GET and DELETE, where Node's client would otherwise send them
    // unframed; unframed bytes are the raw-HTTP property's business.
    const headers = opts.body !== undefined ? { ...opts.headers, 'content-length': String(Buffer.byteLength(opts.body)) } : opts.headers;
    const req = http.request(
      { host: '127.0.0.1', port: server.port, method, path: target(path), headers, agent, timeout: ANSWER_WITHIN_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          tally(res.statusCode!);
          resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${ANSWER_WITHIN_MS} ms: ${method} ${path}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Below 500, and a refusal from our server (it carries request-id) is a Graph error body. */
function assertAnswer(a: Answer, what: string): void {
  const where = `${what}\n→ ${a.status} ${a.text.slice(0, 500)}\nserver output:\n${server.output().slice(-2000)}`;
  assert.ok(a.status < 500, where);
  if (a.status >= 400 && a.headers['request-id'] && a.text !== '') {
    let body: any;
    assert.doesNotThrow(() => (body = JSON.parse(a.text)), where);
    assert.equal(typeof body?.error?.code, 'string', where);
    assert.equal(typeof body?.error?.message, 'string', where);
  }
}

async function assertUp(): Promise<void> {
  assert.ok(!server.exited(), `the server died:\n${server.output().slice(-3000)}`);
  const a = await send('GET', '/beta/');
  assert.equal(a.status, 200, 'the server still answers');
}

/** Fresh things to aim at (earlier properties may have changed or deleted the previous ones). */
async function fixtures(): Promise<Fixtures> {
  const business = 'Fuzz@contoso.com';
  const b = await send('POST', '/beta/solutions/bookingBusinesses', json({ id: business, displayName: 'Fuzz' }));
  assert.ok(b.status === 201 || b.status === 409, b.text);
  const customers = `/beta/solutions/bookingBusinesses/${business}/customers`;
  const customer = JSON.parse((await send('POST', customers, json({ displayName: 'Fuzz', emailAddress: 'fuzz@example.com' }))).text).id;
  await send('POST', customers, json({ displayName: 'Fuzz 2' }));
  const page = JSON.parse((await send('GET', `${customers}?$top=1`)).text);
  const skiptoken = decodeURIComponent(/\$skiptoken=([^&]+)/.exec(page['@odata.nextLink'])![1]!);
  const operation = JSON.parse((await send('POST', '/beta/customerCreationOperations', json({}))).text).id;
  const partner = JSON.parse(
    (await send('POST', '/beta/Customers', json({ partnerId: 'p', azureTenantId: 't', displayName: 'Fuzz', domain: 'fuzz.example.com' }))).text,
  ).id;
  for (const id of [customer, operation, partner]) assert.equal(typeof id, 'string');
  return { business, customer, operation, partner, skiptoken };
}

// ---- generators --------------------------------------------------------------------------------------

const key = fc.oneof(fc.constantFrom(...PROPS), fc.constantFrom(...TRICKY_KEYS), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }));
const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.constantFrom(...TRICKY_STRINGS),
  fc.integer(),
  fc.constantFrom(2147483648, -2147483649, Number.MAX_SAFE_INTEGER + 2, 1e308, -0, 0.1),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const { value: jsonish } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
}));
const entityBody = fc.dictionary(key, jsonish, { maxKeys: 8 });
const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const bodyText = fc.oneof(
  { weight: 8, arbitrary: entityBody.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.tuple(entityBody.map((b) => JSON.stringify(b)), fc.nat()).map(([t, n]) => t.slice(0, n % (t.length + 1))) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...PROPS), fc.constantFrom('1e400', '-1e400', '-0', '12345678901234567890', '1e-400', '[]', '{}', '"\\ud800"', '"\\u0000"', '[null]', '[[]]', '[{}]'))
      .map(([k, lit]) => `{"displayName":"x","${k}":${lit}}`),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...PROPS, 'companyProfile', 'billingProfile'), fc.integer({ min: 95, max: 105 })).map(
      ([k, levels]) => `{"displayName":"x","companyProfile":{},"billingProfile":{},"${k}":${nested(levels)}}`,
    ),
  },
);

// Model-typed values: mostly what the declaration asks for (so requests get past validation and reach the
// store), sometimes anything at all.
function typedValue(p: Property, depth = 0): fc.Arbitrary<unknown> {
  let one: fc.Arbitrary<unknown>;
  if (p.enumType) one = fc.oneof(fc.constantFrom(...p.enumType.members), fc.mixedCase(fc.constantFrom(...p.enumType.members)));
  else if (p.complexType) one = depth > 2 ? fc.constant({}) : typedObject(p.complexType, depth + 1);
  else
    switch (p.type) {
      case 'Edm.Int32':
      case 'Edm.Int64':
        one = fc.integer();
        break;
      case 'Edm.Double':
        one = fc.double({ noNaN: true, noDefaultInfinity: true });
        break;
      case 'Edm.Boolean':
        one = fc.boolean();
        break;
      case 'Edm.DateTimeOffset':
        one = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());
        break;
      case 'Edm.Guid':
        one = fc.uuid();
        break;
      default:
        one = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...TRICKY_STRINGS));
    }
  if (p.collection) one = fc.array(one, { maxLength: 3 });
  return fc.oneof({ weight: 20, arbitrary: one }, { weight: 1, arbitrary: jsonish });
}
function typedObject(type: StructuredType, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of type.properties) fields[p.name] = typedValue(p, depth);
  const open = type.isOpen ? fc.dictionary(fc.string({ maxLength: 8 }), jsonish, { maxKeys: 3 }) : fc.constant({});
  const required = type.properties.filter((p) => p.requiredOnCreate).map((p) => p.name);
  return fc
    .tuple(fc.record(fields, { requiredKeys: required }), open, fc.option(fc.dictionary(key, jsonish, { maxKeys: 2 }), { freq: 10 }))
    .map(([known, extra, junk]) => ({ ...extra, ...known, ...junk }));
}
const typeOf = (name: string) => model.structuredType(name);

// Model-typed $filter: comparisons of a real property with a literal of its type, string functions, lambdas
// over complex collections, `in` lists, combined with and/or/not. Mixed with untyped junk.
function typedLiteral(p: Property): fc.Arbitrary<string> {
  if (p.enumType) return fc.constantFrom(...p.enumType.members).chain((m) => fc.constantFrom(`'${m}'`, `${p.enumType!.qualifiedName}'${m}'`));
  switch (p.type) {
    case 'Edm.Int32':
    case 'Edm.Int64':
      return fc.oneof(fc.integer().map(String), fc.constantFrom('2147483648', '-9223372036854775809', '1.5'));
    case 'Edm.Double':
      return fc.double({ noNaN: true, noDefaultInfinity: true }).map(String);
    case 'Edm.Boolean':
      return fc.constantFrom('true', 'false');
    case 'Edm.DateTimeOffset':
      return fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());
    default:
      return stringLiteral;
  }
}
function typedFilter(type: StructuredType): fc.Arbitrary<string> {
  const scalars = type.properties.filter((p) => !p.collection && !p.complexType);
  const strings = scalars.filter((p) => p.type === 'Edm.String');
  const complexCollections = type.properties.filter((p) => p.collection && p.complexType && p.complexType.properties.length);
  const scalarProp = fc.constantFrom(...scalars);
  const comparison = scalarProp.chain((p) =>
    fc
      .tuple(fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le'), fc.oneof({ weight: 5, arbitrary: typedLiteral(p) }, { weight: 1, arbitrary: literal }, { weight: 1, arbitrary: fc.constant('null') }))
      .map(([op, lit]) => `${p.name} ${op} ${lit}`),
  );
  const options: Array<fc.Arbitrary<string>> = [comparison, scalarProp.chain((p) => fc.array(typedLiteral(p), { minLength: 1, maxLength: 3 }).map((xs) => `${p.name} in (${xs.join(',')})`))];
  if (strings.length) {
    const sp = fc.constantFrom(...strings);
    options.push(
      fc.tuple(fc.constantFrom('contains', 'startswith', 'endswith', 'startsWith'), sp, stringLiteral).map(([f, p, lit]) => `${f}(${p.name},${lit})`),
      fc.tuple(fc.constantFrom('tolower', 'toupper', 'trim'), sp, stringLiteral).map(([f, p, lit]) => `${f}(${p.name}) eq ${lit}`),
      fc.tuple(sp, fc.constantFrom('gt', 'eq', 'le'), fc.integer({ min: -1, max: 30 })).map(([p, op, n]) => `length(${p.name}) ${op} ${n}`),
    );
  }
  if (complexCollections.length) {
    options.push(
      fc.constantFrom(...complexCollections).chain((c) =>
        fc
          .tuple(fc.constantFrom('any', 'all'), fc.constantFrom(...c.complexType!.properties.filter((p) => !p.collection && !p.complexType)))
          .chain(([f, sub]) => typedLiteral(sub).map((lit) => `${c.name}/${f}(x:x/${sub.name} eq ${lit})`)),
      ),
    );
  }
  const atom = fc.oneof(...options);
  const { expr } = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 4, arbitrary: atom },
      { weight: 1, arbitrary: fc.tuple(tie('expr'), fc.constantFrom('and', 'or'), tie('expr')).map((p) => p.join(' ')) },
      { weight: 1, arbitrary: tie('expr').map((e) => `not (${e})`) },
    ),
  }));
  return expr;
}

const propPath = fc.oneof(
  fc.constantFrom(...PROPS),
  fc.constantFrom('addresses/city', 'phones/number', 'phones/type', 'companyProfile/name', 'address/city', 'id', '$it', '@p1', '$count', 'addresses/$count'),
  fc.mixedCase(fc.constantFrom(...PROPS)),
  fc.string({ maxLength: 8 }),
);
const stringLiteral = fc
  .string({ maxLength: 12 })
  .chain((s) => fc.oneof({ weight: 4, arbitrary: fc.constant(`'${s.replace(/'/g, "''")}'`) }, fc.constantFrom(`'${s}'`, `"${s}"`)));
const literal = fc.oneof(
  stringLiteral,
  fc.integer().map(String),
  fc.double({ noNaN: true }).map(String),
  fc.constantFrom(
    '1e400', '-1e400', '12345678901234567890', 'null', 'true', 'false', 'NaN', 'INF', '-INF', '00000000-0000-0000-0000-000000000000',
    '2024-01-01T00:00:00Z', '2024-01-01', '2024-13-45T99:99:99Z', "duration'P1D'", "microsoft.graph.phoneType'home'", "('a','b')", '()', "'",
    "'it''s'", '1.5M', '1L', '0x1F', 'binary\'AA==\'', '$root/bookingBusinesses',
  ),
);
const FUNCTIONS = ['contains', 'startswith', 'endswith', 'tolower', 'toupper', 'trim', 'length', 'indexof', 'substring', 'concat', 'year', 'month', 'day', 'hour', 'now', 'date', 'round', 'floor', 'cast', 'isof', 'matchesPattern', 'any', 'all', 'in', 'nope'];
const { expr: filterExpr } = fc.letrec<{ expr: string; operand: string }>((tie) => ({
  operand: fc.oneof(
    { depthSize: 'small' },
    propPath,
    literal,
    fc.tuple(fc.constantFrom(...FUNCTIONS), fc.array(tie('operand'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(',')})`),
  ),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(tie('operand'), fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le', 'has', 'in', 'EQ', 'add', 'eq eq', '==', ''), tie('operand')).map((p) => p.join(' ')),
    fc.tuple(tie('expr'), fc.constantFrom('and', 'or', 'AND', 'Or', 'and not'), tie('expr')).map((p) => p.join(' ')),
    tie('expr').map((e) => `not ${e}`),
    tie('expr').map((e) => `(${e})`),
    fc.tuple(fc.constantFrom('addresses', 'phones', 'displayName', 'nope'), fc.constantFrom('any', 'all', 'ANY'), fc.constantFrom('a', 'x y', ''), tie('expr')).map(
      ([c, f, v, e]) => `${c}/${f}(${v}:${v}/${e})`,
    ),
    tie('operand'),
    fc.string({ unit: 'binary', maxLength: 30 }),
  ),
}));
const listOf = (item: fc.Arbitrary<string>) => fc.array(item, { maxLength: 4 }).chain((xs) => fc.constantFrom(xs.join(','), xs.join(' , '), xs.join(',,'), `${xs.join(',')},`));
const orderby = listOf(fc.tuple(propPath, fc.constantFrom('', ' asc', ' desc', ' DESC', ' up', '  asc  ')).map(([p, d]) => p + d));
const select = listOf(fc.oneof(propPath, fc.constantFrom('*', '', 'microsoft.graph.bookingCustomer/displayName')));
const number = fc.oneof(fc.integer({ min: -10, max: 2000 }).map(String), fc.constantFrom('99999999999999999999', '1e3', '0x10', ' 5', '5 ', '+5', '', '1.0', '-0'), fc.string({ maxLength: 5 }));
const skiptoken = (real: string) =>
  fc.oneof(
    fc.constant(real),
    fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 1 })).map(([i, c]) => real.slice(0, i % real.length) + c + real.slice((i % real.length) + 1)),
    fc.tuple(fc.jsonValue(), fc.string({ maxLength: 22 })).map(([v, mac]) => `${Buffer.from(JSON.stringify({ a: v, s: mac })).toString('base64url')}.${mac}`),
    fc.string({ maxLength: 40 }),
  );
const optionValue = (real: string, type: StructuredType): Record<string, fc.Arbitrary<string>> => ({
  $filter: fc.oneof({ weight: 3, arbitrary: typedFilter(type) }, { weight: 1, arbitrary: filterExpr }),
  $orderby: fc.oneof(listOf(fc.tuple(fc.constantFrom(...type.properties.map((p) => p.name)), fc.constantFrom('', ' asc', ' desc')).map(([p, d]) => p + d)), orderby),
  $select: fc.oneof(listOf(fc.constantFrom(...type.properties.map((p) => p.name))), select),
  $top: number,
  $skip: number,
  $count: fc.oneof(fc.constantFrom('true', 'false', 'TRUE', '1', ''), fc.string({ maxLength: 5 })),
  $search: fc.oneof(stringLiteral, fc.string({ maxLength: 20 }), fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom(' AND ', ' OR ', ' NOT ', ':'), fc.string({ maxLength: 6 })).map((p) => `"${p.join('')}"`)),
  $skiptoken: skiptoken(real),
  $expand: fc.constantFrom('customers', '*', 'nope', 'customers($top=1)'),
  $format: fc.constantFrom('json', 'xml', 'application/json;odata.metadata=full'),
  $unknown: fc.string({ maxLength: 8 }),
});
/** A query string: options (sometimes repeated, unprefixed or odd-cased), each encoded properly or left raw. */
/** How often each option is picked: $filter most, the options the server does not support least. */
const OPTION_WEIGHTS: Record<string, number> = { $filter: 8, $orderby: 3, $select: 3, $search: 3, $top: 2, $skip: 2, $count: 2, $skiptoken: 2, $expand: 1, $format: 1, $unknown: 1 };
/** A query string: mostly one option, sometimes several (repeated, unprefixed or odd-cased), each encoded properly or left raw. */
const queryString = (real: string, type: StructuredType) => {
  const values = optionValue(real, type);
  const option = fc
    .tuple(
      fc.oneof(...Object.keys(values).map((name) => ({ weight: OPTION_WEIGHTS[name] ?? 1, arbitrary: fc.constant(name) }))),
      fc.oneof({ weight: 8, arbitrary: fc.constant('exact') }, fc.constantFrom('bare', 'upper')),
      fc.oneof({ weight: 8, arbitrary: fc.constant('encoded') }, fc.constantFrom('raw', 'plus')),
    )
    .chain(([name, spelling, encoding]) =>
      values[name]!.map((v) => {
        const n = spelling === 'bare' ? name.slice(1) : spelling === 'upper' ? name.toUpperCase() : name;
        const text = encoding === 'encoded' ? encodeURIComponent(v) : encoding === 'plus' ? encodeURIComponent(v).replace(/%20/g, '+') : v.replace(/[&#]/g, encodeURIComponent);
        return `${n}=${text}`;
      }),
    );
  const junk = fc.constantFrom('', '=', '&', '$top', '=x', '%', '%zz=1');
  return fc.oneof(
    { weight: 6, arbitrary: option },
    { weight: 3, arbitrary: fc.uniqueArray(option, { minLength: 2, maxLength: 4, selector: (o) => o.split('=')[0]!.toLowerCase().replace(/^\$/, '') }).map((xs) => xs.join('&')) },
    { weight: 1, arbitrary: fc.array(fc.oneof(option, junk), { minLength: 1, maxLength: 4 }).map((xs) => xs.join('&')) },
  );
};

// ---- properties --------------------------------------------------------------------------------------

describe('fuzzing a real server: never 500, never a hang, always up', { skip: onceOnly() }, () => {
  before(async () => {
    server = await startServerProcess({ logLevel: 'error' });
  });
  after(async () => {
    if (process.env.CLIENTELE_FUZZ_STATS) {
      for (const [name, m] of statuses) console.log(`${name}: ${[...m].sort((a, b) => a[0] - b[0]).map(([st, n]) => `${st}×${n}`).join(' ')}`);
    }
    agent.destroy();
    await server?.stop();
  });

  it('request bodies', { timeout: 120_000 }, async () => {
    fx = await fixtures();
    property = 'bodies';
    const customers = `/beta/solutions/bookingBusinesses/${fx.business}/customers`;
    const [customer, business, operation, profiled, partner] = [
      'microsoft.graph.bookingCustomer',
      'microsoft.graph.bookingBusiness',
      'microsoft.graph.customerCreationOperation',
      'microsoft.graph.customer',
      'microsoft.management.services.api.Customer',
    ].map(typeOf);
    const targets: Array<[string, string, StructuredType]> = [
      ['POST', customers, customer!],
      ['POST', `${customers}/$ref`, customer!],
      ['PATCH', `${customers}/${fx.customer}`, customer!],
      ['POST', '/beta/bookingBusinesses', business!],
      ['PATCH', `/beta/bookingBusinesses/${fx.business}`, business!],
      ['POST', '/beta/customerCreationOperations', operation!],
      ['PATCH', `/beta/customerCreationOperations/${fx.operation}`, operation!],
      ['POST', `/beta/customerCreationOperations/${fx.operation}/customer/$ref`, profiled!],
      ['PUT', `/v1.0/customerCreationOperations/${fx.operation}/customer`, profiled!],
      ['PATCH', `/beta/customerCreationOperations/${fx.operation}/customer`, profiled!],
      ['POST', '/beta/Customers', partner!],
      ['PATCH', `/beta/Customers/${fx.partner}`, partner!],
    ];
    const request = fc
      .constantFrom(...targets)
      .chain(([method, path, type]) =>
        fc.tuple(fc.constant(method), fc.constant(path), fc.oneof({ weight: 2, arbitrary: typedObject(type).map((b) => JSON.stringify(b)) }, { weight: 1, arbitrary: bodyText })),
      );
    await fc.assert(
      fc.asyncProperty(request, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json;odata.metadata=minimal'), async ([method, path, body], contentType) => {
        assertAnswer(await send(method, path, { headers: { 'content-type': contentType }, body }), `${method} ${path} ${body.slice(0, 300)}`);
      }),
      params(RUNS * 3),
    );
    await assertUp();
  });

  it('query options: $filter, $orderby, $select, $top, $skip, $count, $search, $skiptoken', { timeout: 120_000 }, async () => {
    fx = await fixtures();
    property = 'query options';
    const customers = `/beta/solutions/bookingBusinesses/${fx.business}/customers`;
    const customer = typeOf('microsoft.graph.bookingCustomer');
    const paths: Array<[string, StructuredType]> = [
      [customers, customer],
      [customers, customer],
      [customers, customer],
      [customers, customer],
      ['/v1.0/solutions/bookingBusinesses', typeOf('microsoft.graph.bookingBusiness')],
      ['/beta/customerCreationOperations', typeOf('microsoft.graph.customerCreationOperation')],
      ['/beta/Customers', typeOf('microsoft.management.services.api.Customer')],
      [`${customers}/$count`, customer],
      [`${customers}/${fx.customer}`, customer],
      ['/v1.0/solutions/bookingBusinesses', typeOf('microsoft.graph.bookingBusiness')],
      [`/beta/bookingBusinesses/${fx.business}`, typeOf('microsoft.graph.bookingBusiness')],
      ['/beta/customerCreationOperations', typeOf('microsoft.graph.customerCreationOperation')],
      [`/beta/customerCreationOperations/${fx.operation}/customer`, typeOf('microsoft.graph.customer')],
      ['/beta/Customers', typeOf('microsoft.management.services.api.Customer')],
      [`/beta/Customers/${fx.partner}`, typeOf('microsoft.management.services.api.Customer')],
    ];
    const request = fc.constantFrom(...paths).chain(([path, type]) => queryString(fx.skiptoken, type).map((query) => `${path}?${query}`));
    await fc.assert(
      fc.asyncProperty(request, async (url) => {
        assertAnswer(await send('GET', url), `GET ${url}`);
      }),
      params(RUNS * 4),
    );
    await assertUp();
  });

  it('paths and methods', { timeout: 120_000 }, async () => {
    fx = await fixtures();
    property = 'paths';
    const name = fc.mixedCase(fc.constantFrom(...SETS, ...NAVS, 'solutions', '$metadata', '$count', '$ref', '$value', '$batch', '$entity', '$all'));
    const keyText = fc.oneof(fc.constantFrom(fx.business, fx.customer, fx.operation, fx.partner, 'Fuzz%40contoso.com', '', "'", "a'b", '(', ')'), fc.string({ maxLength: 10 }));
    const segment = fc.oneof(
      name,
      keyText,
      fc.constantFrom('.', '..', '%', '%2', '%zz', '%2F', '%00', '%C0%AF', '%E0%A4%A', '%F0%9F%98%80', '%27%27', '(', "('')", '()'),
      fc.tuple(name, keyText, fc.constantFrom("('K')", '(K)', "(id='K')", '(id=K)', "('K'", "(K='x')", '(,)')).map(([n, k, form]) => n + form.replace('K', k)),
      fc.string({ unit: 'binary', maxLength: 12 }),
    );
    const path = fc
      .tuple(
        fc.constantFrom('/beta', '/v1.0', '/BETA', '/V1.0', '/v2.0', '', '/', '//beta', '/beta%2F'),
        fc.array(segment, { maxLength: 6 }),
        fc.constantFrom('/', '//'),
        fc.constantFrom('', '/', '?', '?$top=1', '#frag', '?$select=id&$select=id'),
      )
      .map(([version, segs, sep, tail]) => `${version}/${segs.join(sep)}${tail}`);
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');
    await fc.assert(
      fc.asyncProperty(method, path, fc.option(bodyText, { nil: undefined }), async (m, p, body) => {
        const headers: Record<string, string> = body !== undefined ? { 'content-type': 'application/json' } : {};
        assertAnswer(await send(m, p, { headers, body }), `${m} ${p} ${body?.slice(0, 200) ?? ''}`);
      }),
      params(RUNS * 4),
    );
    await assertUp();
  });

  it('headers', { timeout: 120_000 }, async () => {
    fx = await fixtures();
    property = 'headers';
    const customers = `/beta/solutions/bookingBusinesses/${fx.business}/customers`;
    const printable = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, '').trim());
    const headerValue = (interesting: string[]) => fc.oneof(fc.constantFrom(...interesting), printable);
    const headerName = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);
    const headers = fc.record(
      {
        'content-type': headerValue([
          'application/json', 'application/json; charset=utf-16', 'application/JSON', 'application/json;odata.metadata=full', 'text/plain', 'application/xml',
          'multipart/form-data; boundary=x', 'application/json; charset=', 'application/json;;', '*/*', 'application/merge-patch+json', '',
        ]),
        prefer: headerValue(['odata.maxpagesize=0', 'odata.maxpagesize=-1', 'odata.maxpagesize=99999999999999999999', 'odata.maxpagesize=abc', 'return=minimal', 'odata.maxpagesize=1, odata.maxpagesize=2', 'respond-async', 'odata.include-annotations="*"']),
        'client-request-id': headerValue(['', 'x'.repeat(4000), '00000000-0000-0000-0000-000000000000']),
        accept: headerValue(['application/json', 'application/xml', 'text/html', '*/*;q=0', 'application/json;odata.metadata=none']),
        'if-match': headerValue(['*', 'W/"1"', '"x"']),
        authorization: headerValue(['Bearer', 'Bearer x.y.z', 'Basic Zm9vOmJhcg==', 'Bearer ' + 'e'.repeat(3000)]),
        'x-http-method-override': headerValue(['DELETE', 'PATCH', 'GET']),
        'consistencylevel': headerValue(['eventual', 'strong']),
        'accept-encoding': headerValue(['gzip', 'br', 'identity;q=0', 'x']),
      },
      { requiredKeys: [] },
    );
    const extra = fc.dictionary(headerName, printable, { maxKeys: 3 });
    const request = fc.constantFrom<[string, string, string | undefined]>(
      ['GET', customers, undefined],
      ['GET', `${customers}/${fx.customer}`, undefined],
      ['GET', `${customers}/$count`, undefined],
      ['POST', customers, JSON.stringify({ displayName: 'Header fuzz', emailAddress: 'h@example.com' })],
      ['PATCH', `${customers}/${fx.customer}`, JSON.stringify({ displayName: 'Header fuzz' })],
      ['DELETE', `${customers}/00000000-0000-0000-0000-000000000000`, undefined],
      ['GET', '/beta/$metadata', undefined],
      ['GET', '/beta/', undefined],
    );
    await fc.assert(
      fc.asyncProperty(request, headers, extra, async ([m, p, body], h, x) => {
        const all: Record<string, string> = { ...x, ...h };
        // Host and framing headers are the client's business; a fuzzed one only tests our HTTP client.
        for (const k of Object.keys(all)) if (/^(host|content-length|transfer-encoding|connection|expect|upgrade|te|trailer|keep-alive)$/i.test(k)) delete all[k];
        assertAnswer(await send(m, p, { headers: all, body }), `${m} ${p} ${JSON.stringify(all).slice(0, 500)}`);
      }),
      params(RUNS * 3),
    );
    await assertUp();
  });

  it('raw HTTP: malformed request lines, headers and framing', { timeout: 120_000 }, async () => {
    fx = await fixtures();
    const customers = `/beta/solutions/bookingBusinesses/${fx.business}/customers`;
    const line = fc.string({ unit: 'binary', maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ''));
    const requestLine = fc
      .tuple(
        fc.oneof(fc.constantFrom('GET', 'POST', 'PATCH', 'get', 'G ET', '', 'PRI', 'CONNECT', 'M-SEARCH'), line),
        fc.oneof(fc.constantFrom(customers, `${customers}?$top=1`, '*', `http://127.0.0.1${customers}`, '//beta', '/beta/\u00e9', '/beta/%'), line),
        fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', 'HTTP/0.9', '', 'http/1.1'),
      )
      .map((p) => p.join(' '));
    const body = JSON.stringify({ displayName: 'Raw', emailAddress: 'raw@example.com' });
    const framing = fc.constantFrom(
      ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, '', body],
      ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body) + 50}`, '', body],
      ['Content-Type: application/json', 'Content-Length: 5', '', body],
      ['Content-Type: application/json', 'Content-Length: -1', '', body],
      ['Content-Type: application/json', 'Content-Length: 3', 'Content-Length: 4', '', body],
      ['Content-Type: application/json', 'Transfer-Encoding: chunked', '', `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`],
      ['Content-Type: application/json', 'Transfer-Encoding: chunked', '', `zz\r\n${body}\r\n0\r\n\r\n`],
      ['Content-Type: application/json', 'Transfer-Encoding: chunked', 'Content-Length: 10', '', `${Buffer.byteLength(body).toString(16)}\r\n${body}`],
      ['', ''],
      ['Expect: 100-continue', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, '', body],
    );
    const raw = fc
      .tuple(requestLine, fc.constantFrom(['Host: 127.0.0.1'], [], ['Host: a', 'Host: b'], ['Host: \u00ff']), fc.array(line, { maxLength: 3 }), framing, fc.constantFrom('\r\n', '\n'))
      .map(([rl, host, junk, frame, eol]) => [rl, ...host, ...junk, ...frame].join(eol));
    await fc.assert(
      fc.asyncProperty(raw, async (bytes) => {
        const answer = await rawExchange(bytes);
        for (const m of answer.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)) assert.ok(Number(m[1]) < 500, `${JSON.stringify(bytes)}\n→ ${answer.slice(0, 500)}`);
      }),
      params(RUNS * 2),
    );
    await assertUp();
  });

  it('nothing reached the unhandled-error path', async () => {
    assert.doesNotMatch(server.output(), /unhandled error/, server.output().slice(-3000));
  });
});

/** Writes the bytes, half-closes, and reads until the server closes: a server that neither answers nor closes hangs. */
function rawExchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server neither answered nor closed within ${ANSWER_WITHIN_MS} ms: ${JSON.stringify(bytes)}; got ${Buffer.concat(chunks).toString('latin1').slice(0, 300)}`));
    }, ANSWER_WITHIN_MS);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {}); // a reset is an answer too
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.end(Buffer.from(bytes, 'latin1'));
  });
}
