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

/** Which bookingCustomer property (path, as validation messages name it) each column feeds. */
const PROPERTY_OF: Record<CustomerColumn, string> = {
  Id: 'id',
  Name: 'displayName',
  Email: 'emailAddress',
  Phone: 'phones[0]/number',
  'Phone Type': 'phones[0]/type',
  Street: 'addresses[0]/street',
  City: 'addresses[0]/city',
  State: 'addresses[0]/state',
  'Postal Code': 'addresses[0]/postalCode',
  Country: 'addresses[0]/countryOrRegion',
  'Address Type': 'addresses[0]/type',
};

export class CsvHeaderError extends Error {}

/** Maps header cells to columns; unknown or repeated columns and a missing Name are refused. */
export function readHeader(cells: string[]): CustomerColumn[] {
  const seen = new Set<CustomerColumn>();
  const columns = cells.map((cell) => {
    const c = ALIASES[squash(cell)];
    if (!c) throw new CsvHeaderError(`unknown column '${cell}' (the columns are: ${CUSTOMER_COLUMNS.join(', ')})`);
    if (seen.has(c)) throw new CsvHeaderError(`column '${c}' appears more than once`);
    seen.add(c);
    return c;
  });
  if (!seen.has('Name')) throw new CsvHeaderError(`the header has no 'Name' column`);
  return columns;
}

/** A row as a Graph request body: blank cells are left out, as a client would leave them out. */
export function rowToBody(columns: CustomerColumn[], cells: string[]): Record<string, unknown> {
  const cell: Partial<Record<CustomerColumn, string>> = {};
  columns.forEach((c, i) => {
    const v = cells[i];
    if (v !== undefined && v !== '') cell[c] = v;
  });
  const body: Record<string, unknown> = {};
  if (cell.Id) body.id = cell.Id;
  // Name is required by the model; an empty one is sent as '' so that the model's rule reports it.
  body.displayName = cell.Name ?? '';
  if (cell.Email) body.emailAddress = cell.Email;
  if (cell.Phone || cell['Phone Type']) {
    body.phones = [{ number: cell.Phone ?? null, ...(cell['Phone Type'] ? { type: cell['Phone Type'] } : {}) }];
  }
  const address = {
    street: cell.Street,
    city: cell.City,
    state: cell.State,
    postalCode: cell['Postal Code'],
    countryOrRegion: cell.Country,
    type: cell['Address Type'],
  };
  if (Object.values(address).some((v) => v !== undefined)) {
    body.addresses = [Object.fromEntries(Object.entries(address).filter(([, v]) => v !== undefined))];
  }
  return body;
}

/** Adds the CSV column to a validation message that names a property ('displayName' -> column Name). */
export function explainForCsv(message: string): string {
  for (const c of CUSTOMER_COLUMNS) {
    if (message.includes(`'${PROPERTY_OF[c]}'`)) return `column ${c}: ${message}`;
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
