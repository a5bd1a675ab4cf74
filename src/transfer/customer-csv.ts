// The CSV shape customers move in and out of Bookings with: one customer a row, name, email, one phone
// and one postal address. Columns map onto bookingCustomer properties; the model validates the result.
// JSON lines carry every property; CSV keeps the first phone and the first address.

export const CUSTOMER_COLUMNS = [
  'Id',
  'Name',
  'Email',
  'Phone',
  'Phone Type',
  'Street',
  'City',
  'State',
  'Postal Code',
  'Country',
  'Address Type',
] as const;
export type CustomerColumn = (typeof CUSTOMER_COLUMNS)[number];

/** Header spellings accepted on import (compared without case, spaces, '-', '_' or '/'). */
const ALIASES: Record<string, CustomerColumn> = {};
const squash = (s: string) => s.toLowerCase().replace(/[\s\-_/]+/g, '');
for (const c of CUSTOMER_COLUMNS) ALIASES[squash(c)] = c;
for (const [alias, c] of Object.entries({
  'Display Name': 'Name',
  'Full Name': 'Name',
  'Customer Name': 'Name',
  'Email Address': 'Email',
  'E-mail': 'Email',
  'Phone Number': 'Phone',
  'Address': 'Street',
  'Address Street': 'Street',
  'Street Address': 'Street',
  'Address City': 'City',
  'Address State': 'State',
  'Province': 'State',
  'ZIP': 'Postal Code',
  'ZIP Code': 'Postal Code',
  'Postcode': 'Postal Code',
  'Address Postal Code': 'Postal Code',
  'Country/Region': 'Country',
  'Country or Region': 'Country',
  'Address Country': 'Country',
} satisfies Record<string, CustomerColumn>)) {
  ALIASES[squash(alias)] = c;
}

/**
 * Outlook's contacts export ("Export to a file" > CSV), by column: what each feeds. Names make the display
 * name (First Middle Last; else the e-mail display name; else the company); each phone column one phone of
 * its phoneType; Business, Home and Other address columns one address each. Its other columns (Title,
 * Birthday, Notes...) have no bookingCustomer property.
 */
type OutlookField =
  | { kind: 'name'; part: 'first' | 'middle' | 'last' | 'display' | 'company' }
  | { kind: 'phone'; type: string }
  | { kind: 'address'; type: 'business' | 'home' | 'other'; part: 'street' | 'city' | 'state' | 'postalCode' | 'countryOrRegion' | 'postOfficeBox' };

const OUTLOOK: Record<string, OutlookField> = {};
for (const [column, part] of [
  ['First Name', 'first'],
  ['Middle Name', 'middle'],
  ['Last Name', 'last'],
  ['E-mail Display Name', 'display'],
  ['Company', 'company'],
] as const) {
  OUTLOOK[squash(column)] = { kind: 'name', part };
}
for (const [column, type] of Object.entries({
  'Business Phone': 'business',
  'Business Phone 2': 'business',
  'Company Main Phone': 'business',
  'Mobile Phone': 'mobile',
  'Car Phone': 'mobile',
  'Home Phone': 'home',
  'Home Phone 2': 'home',
  'Other Phone': 'other',
  'Primary Phone': 'other',
  "Assistant's Phone": 'assistant',
  'Business Fax': 'businessFax',
  'Home Fax': 'homeFax',
  'Other Fax': 'otherFax',
  Pager: 'pager',
  'Radio Phone': 'radio',
})) {
  OUTLOOK[squash(column)] = { kind: 'phone', type };
}
for (const type of ['business', 'home', 'other'] as const) {
  const prefix = type[0]!.toUpperCase() + type.slice(1);
  for (const [suffix, part] of [
    ['Street', 'street'],
    ['Street 2', 'street'],
    ['Street 3', 'street'],
    ['City', 'city'],
    ['State', 'state'],
    ['Postal Code', 'postalCode'],
    ['Country/Region', 'countryOrRegion'],
    ['Address PO Box', 'postOfficeBox'],
  ] as const) {
    OUTLOOK[squash(`${prefix} ${suffix}`)] = { kind: 'address', type, part };
  }
}

export class CsvHeaderError extends Error {}

/** A column of the header: one of ours, one of Outlook's, or skipped (unknown, with --ignore-unknown-columns). */
type HeaderColumn = { name: string; column?: CustomerColumn; outlook?: OutlookField };

/** How a file's rows become bodies, from its header. */
export interface CsvLayout {
  /** Header cells that feed no property and are skipped (only with `ignoreUnknownColumns`). */
  skipped: string[];
  /** The row as a Graph request body, and which column fed each property path (for messages). */
  toBody(cells: string[]): { body: Record<string, unknown>; sources: Map<string, string> };
}

/**
 * Maps header cells to columns: ours (any case and common spellings) and Outlook's contacts export. Unknown
 * columns are refused, or skipped with `ignoreUnknownColumns`; a repeated column is refused; some column
 * must give the name.
 */
export function readHeader(cells: string[], opts: { ignoreUnknownColumns?: boolean } = {}): CsvLayout {
  const seen = new Set<string>();
  const unknown: string[] = [];
  const columns: HeaderColumn[] = cells.map((name) => {
    const key = squash(name);
    const column = ALIASES[key];
    const outlook = column ? undefined : OUTLOOK[key];
    if (!column && !outlook) {
      unknown.push(name);
      return { name };
    }
    // Outlook's numbered columns (Business Phone 2) are distinct; the same column twice is not.
    const id = column ?? key;
    if (seen.has(id)) throw new CsvHeaderError(`column '${column ?? name}' appears more than once`);
    seen.add(id);
    return { name, column, outlook };
  });
  if (unknown.length > 0 && !opts.ignoreUnknownColumns) {
    throw new CsvHeaderError(
      `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')} (the columns are: ${CUSTOMER_COLUMNS.join(', ')}, ` +
        `or those of Outlook's contacts export; --ignore-unknown-columns skips the others)`,
    );
  }
  if (!columns.some((c) => c.column === 'Name' || c.outlook?.kind === 'name')) {
    throw new CsvHeaderError(`the header has no 'Name' column`);
  }
  return { skipped: unknown, toBody: (row) => rowToBody(columns, row) };
}

/** A row as a Graph request body: blank cells are left out, as a client would leave them out. */
function rowToBody(columns: HeaderColumn[], cells: string[]): { body: Record<string, unknown>; sources: Map<string, string> } {
  const cell: Partial<Record<CustomerColumn, string>> = {};
  const names: Partial<Record<'first' | 'middle' | 'last' | 'display' | 'company', string>> = {};
  const phones: Array<{ number: string | null; type?: string; column: string }> = [];
  const addresses = new Map<string, { values: Record<string, string>; columns: Record<string, string> }>();
  const sources = new Map<string, string>();
  columns.forEach((c, i) => {
    const v = cells[i];
    if (v === undefined || v === '') return;
    if (c.column) cell[c.column] = v;
    const o = c.outlook;
    if (!o) return;
    if (o.kind === 'name') names[o.part] = v;
    else if (o.kind === 'phone') phones.push({ number: v, type: o.type, column: c.name });
    else {
      const a = addresses.get(o.type) ?? { values: {}, columns: {} };
      // Street, Street 2 and Street 3 are the lines of one street.
      a.values[o.part] = a.values[o.part] !== undefined && o.part === 'street' ? `${a.values[o.part]}\n${v}` : v;
      a.columns[o.part] = c.name;
      addresses.set(o.type, a);
    }
  });
  const body: Record<string, unknown> = {};
  if (cell.Id) {
    body.id = cell.Id;
    sources.set('id', 'Id');
  }
  // Name is required by the model; no name at all is sent as '' so that the model's rule reports it.
  const person = [names.first, names.middle, names.last].filter(Boolean).join(' ');
  body.displayName = cell.Name ?? (person || names.display || names.company || '');
  sources.set('displayName', cell.Name !== undefined || !columns.some((c) => c.outlook?.kind === 'name') ? 'Name' : 'First Name/Last Name');
  if (cell.Email) {
    body.emailAddress = cell.Email;
    sources.set('emailAddress', 'Email');
  }
  const allPhones: Array<{ number: string | null; type?: string; column: string }> = [];
  if (cell.Phone || cell['Phone Type']) allPhones.push({ number: cell.Phone ?? null, type: cell['Phone Type'], column: 'Phone' });
  allPhones.push(...phones);
  if (allPhones.length) {
    body.phones = allPhones.map(({ number, type }) => ({ number, ...(type ? { type } : {}) }));
    allPhones.forEach((p, i) => {
      sources.set(`phones[${i}]/number`, p.column);
      sources.set(`phones[${i}]/type`, p.column === 'Phone' ? 'Phone Type' : p.column);
    });
  }
  const list: Array<Record<string, string>> = [];
  const own = {
    street: cell.Street,
    city: cell.City,
    state: cell.State,
    postalCode: cell['Postal Code'],
    countryOrRegion: cell.Country,
    type: cell['Address Type'],
  };
  if (Object.values(own).some((v) => v !== undefined)) {
    list.push(Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) as Record<string, string>);
    const ownColumns: Record<string, string> = { street: 'Street', city: 'City', state: 'State', postalCode: 'Postal Code', countryOrRegion: 'Country', type: 'Address Type' };
    for (const [part, column] of Object.entries(ownColumns)) sources.set(`addresses[0]/${part}`, column);
  }
  for (const [type, a] of addresses) {
    const i = list.length;
    list.push({ ...a.values, type });
    for (const [part, column] of Object.entries(a.columns)) sources.set(`addresses[${i}]/${part}`, column);
  }
  if (list.length) body.addresses = list;
  return { body, sources };
}

/** Adds the CSV column to a validation message that names a property ('displayName' -> column Name). */
export function explainForCsv(message: string, sources: Map<string, string>): string {
  // The longest path first: 'phones[1]/number' before 'phones'.
  for (const [path, column] of [...sources].sort((a, b) => b[0].length - a[0].length)) {
    if (message.includes(`'${path}'`)) return `column ${column}: ${message}`;
  }
  return message;
}

interface Phone {
  number?: string | null;
  type?: string | null;
}
interface Address {
  street?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  countryOrRegion?: string | null;
  type?: string | null;
}

/** A stored customer as a CSV row, and whether phones or addresses beyond the first were left out. */
export function customerToRow(values: Record<string, unknown>): { cells: string[]; truncated: boolean } {
  const phones = (values.phones as Phone[] | null) ?? [];
  const addresses = (values.addresses as Address[] | null) ?? [];
  const p = phones[0] ?? {};
  const a = addresses[0] ?? {};
  const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const byColumn: Record<CustomerColumn, string> = {
    Id: s(values.id),
    Name: s(values.displayName),
    Email: s(values.emailAddress),
    Phone: s(p.number),
    'Phone Type': s(p.type),
    Street: s(a.street),
    City: s(a.city),
    State: s(a.state),
    'Postal Code': s(a.postalCode),
    Country: s(a.countryOrRegion),
    'Address Type': s(a.type),
  };
  return { cells: CUSTOMER_COLUMNS.map((c) => byColumn[c]), truncated: phones.length > 1 || addresses.length > 1 };
}
