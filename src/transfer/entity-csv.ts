// CSV for any entity type other than customers (services, staff members, custom questions): one entity a
// row, one column a property, named as in Graph. Text, numbers, booleans and enum members are written as
// they are; complex and collection values (a service's defaultReminders, a staff member's workingHours) as
// their JSON. A blank cell is a property left out (on --upsert: left as it is). What JSON lines carry, a CSV
// row carries too, so an export imports back unchanged.
import type { Property, StructuredType } from '../model/model.js';
import { CsvHeaderError, type CsvLayout } from './customer-csv.js';

/** A cell that cannot become a value of its property (not JSON where JSON is needed). */
export class CsvCellError extends Error {}

/** The columns of a type's CSV: its properties, in declaration order. */
export function entityColumns(type: StructuredType): string[] {
  return type.properties.map((p) => p.name);
}

/** One entity (as serialised for the wire) as a row of entityColumns(type). */
export function entityToRow(type: StructuredType, wire: Record<string, unknown>): string[] {
  return type.properties.map((p) => {
    const v = wire[p.name];
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  });
}

const NUMERIC = new Set(['Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Double', 'Edm.Single', 'Edm.Decimal', 'Edm.Byte']);

/** A non-blank cell as the JSON value its property takes; what does not fit is left for the model to refuse. */
function cellValue(p: Property, cell: string, column: string): unknown {
  if (p.collection || p.complexType) {
    try {
      return JSON.parse(cell);
    } catch {
      throw new CsvCellError(`column ${column}: '${p.name}' takes JSON (${p.collection ? 'an array' : 'an object'}), got ${JSON.stringify(cell.slice(0, 40))}`);
    }
  }
  if (p.type === 'Edm.Boolean' && /^(true|false)$/i.test(cell)) return cell.toLowerCase() === 'true';
  if (NUMERIC.has(p.type) && cell.trim() !== '' && Number.isFinite(Number(cell))) return Number(cell);
  return cell;
}

/** How the rows of a type's CSV become request bodies, from its header (names matched ignoring case). */
export function entityCsvLayout(type: StructuredType) {
  return (cells: string[], opts: { ignoreUnknownColumns?: boolean } = {}): CsvLayout => {
    const seen = new Set<string>();
    const unknown: string[] = [];
    const columns = cells.map((name) => {
      const p = type.propertyIgnoringCase(name.trim());
      if (!p) {
        unknown.push(name);
        return undefined;
      }
      if (seen.has(p.name)) throw new CsvHeaderError(`the column '${name}' appears more than once`);
      seen.add(p.name);
      return p;
    });
    if (unknown.length && !opts.ignoreUnknownColumns) {
      throw new CsvHeaderError(
        `the header has columns that are not properties of ${type.qualifiedName}: ${unknown.join(', ')} (the columns are its property names; --ignore-unknown-columns skips the others)`,
      );
    }
    return {
      skipped: unknown,
      toBody(row) {
        const body: Record<string, unknown> = {};
        const sources = new Map<string, string>();
        row.forEach((cell, i) => {
          const p = columns[i];
          if (!p || cell === '') return;
          body[p.name] = cellValue(p, cell, cells[i]!);
          sources.set(p.name, cells[i]!);
        });
        return { body, sources };
      },
    };
  };
}

/** Adds the column to a message naming a property or a place inside one ('defaultReminders[0]/offset'). */
export function explainForEntityCsv(message: string, sources: Map<string, string>): string {
  for (const [name, column] of sources) {
    if (new RegExp(`'${name}(['\\[/])`).test(message)) return `column ${column}: ${message}`;
  }
  return message;
}
