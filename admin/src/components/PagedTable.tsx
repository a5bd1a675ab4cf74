// A server-side paged, sorted and searched collection: $top pages, @odata.nextLink for the next page (a stack
// of the links already followed for the previous one), $orderby from the column headers, $search or a raw
// $filter from the search bar, and $count=true for the total.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Collection, Entity } from '../api';
import { display, humanize, useApp } from '../context';
import { isSortable, type StructuredType } from '../model';
import { ErrorBox } from './ErrorBox';

export interface Column {
  /** A property of the type (sortable when the model says so), or a computed column. */
  name: string;
  label?: string;
  render?(e: Entity): ComponentChildren;
}

interface Props {
  /** Collection path under the version root, e.g. /solutions/bookingBusinesses/{id}/customers. */
  path: string;
  type: StructuredType;
  columns: Column[];
  noun: string;
  rowHref(e: Entity): string;
  defaultOrder?: { name: string; desc: boolean };
}

const PAGE_SIZES = [10, 25, 50, 100];

/** `$search` takes a quoted phrase; a quote or backslash inside it is escaped with a backslash. */
export function searchPhrase(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function PagedTable({ path, type, columns, noun, rowHref, defaultOrder }: Props) {
  const { client, session } = useApp();
  const [pageSize, setPageSize] = useState(10);
  const [order, setOrder] = useState(defaultOrder);
  const [searchDraft, setSearchDraft] = useState('');
  const [filterDraft, setFilterDraft] = useState('');
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState('');
  // The link of the page shown, and the links of the pages before it.
  const [link, setLink] = useState<string | null>(null);
  // Bumped on every fresh start, so that page 1 reloads even when its link is the same as before.
  const [generation, setGeneration] = useState(0);
  const [previous, setPrevious] = useState<string[]>([]);
  // The page shown, and its place in the sequence: the rows stay until the next page arrives, and the
  // "Page n · from–to" line always describes the rows on screen.
  const [page, setPage] = useState<Collection<Entity> | null>(null);
  const [shown, setShown] = useState({ index: 0, from: 1 });
  const [error, setError] = useState<unknown>(null);
  // Nothing is known until the first page arrives: the table is busy from the start, and never says "No …"
  // before it has asked.
  const [loading, setLoading] = useState(true);

  const firstLink = () => {
    // The columns shown, asked for by name: Graph lists some types in part (businesses by id and name only).
    const q = [`$top=${pageSize}`, '$count=true', `$select=${columns.map((c) => c.name).join(',')}`];
    if (order) q.push(`$orderby=${encodeURIComponent(`${order.name} ${order.desc ? 'desc' : 'asc'}`)}`);
    if (search.trim()) q.push(`$search=${encodeURIComponent(searchPhrase(search.trim()))}`);
    if (filter.trim()) q.push(`$filter=${encodeURIComponent(filter.trim())}`);
    return `${path}?${q.join('&')}`;
  };

  // Any change of query starts again at page 1.
  useEffect(() => {
    setPrevious([]);
    setLink(firstLink());
    setGeneration((g) => g + 1);
  }, [path, pageSize, order?.name, order?.desc, search, filter, session]);

  useEffect(() => {
    if (link === null) return;
    let stale = false;
    const at = { index: previous.length, from: previous.length * pageSize + 1 };
    setLoading(true);
    client
      .request<Collection<Entity>>('GET', link)
      .then((r) => {
        if (stale) return;
        setPage(r.body);
        setShown(at);
        setError(null);
      })
      .catch((err) => {
        if (stale) return;
        setPage(null);
        setError(err);
      })
      .finally(() => !stale && setLoading(false));
    return () => {
      stale = true;
    };
  }, [link, generation]);

  const sortBy = (name: string) => {
    setOrder(order?.name === name ? { name, desc: !order.desc } : { name, desc: false });
  };
  const next = () => {
    const n = page?.['@odata.nextLink'];
    if (!n || link === null) return;
    setPrevious([...previous, link]);
    setLink(n);
  };
  const back = () => {
    if (!previous.length) return;
    setLink(previous[previous.length - 1]!);
    setPrevious(previous.slice(0, -1));
  };

  const total = page?.['@odata.count'];
  const { from } = shown;
  const rows = page?.value ?? [];

  return (
    <section class="paged-table" aria-busy={loading}>
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(searchDraft);
          setFilter(filterDraft);
        }}
      >
        <label>
          Search
          <input type="search" name="search" placeholder={`Search ${noun}`} value={searchDraft} onInput={(e) => setSearchDraft((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="filter">
          $filter
          <input name="filter" placeholder="startswith(displayName,'A')" value={filterDraft} onInput={(e) => setFilterDraft((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <button type="submit">Search</button>
        {(search || filter) && (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setSearchDraft('');
              setFilterDraft('');
              setSearch('');
              setFilter('');
            }}
          >
            Clear search
          </button>
        )}
        <label class="page-size">
          Per page
          <select value={String(pageSize)} onChange={(e) => setPageSize(Number((e.currentTarget as HTMLSelectElement).value))}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </form>

      <ErrorBox error={error} />

      <table>
        <thead>
          <tr>
            {columns.map((c) => {
              const p = type.property(c.name);
              const label = c.label ?? humanize(c.name);
              if (!p || !isSortable(p)) return <th key={c.name}>{label}</th>;
              const active = order?.name === c.name;
              return (
                <th key={c.name} aria-sort={active ? (order!.desc ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" class="sort" onClick={() => sortBy(c.name)}>
                    {label}
                    <span class="arrow">{active ? (order!.desc ? ' ▼' : ' ▲') : ''}</span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id} data-id={e.id}>
              {columns.map((c, i) => {
                const content = c.render ? c.render(e) : display(e[c.name], type.property(c.name)?.type);
                // The label goes with each cell: on a narrow screen rows stack, and each cell says what it is.
                return <td key={c.name} data-label={c.label ?? humanize(c.name)}>{i === 0 ? <a href={rowHref(e)}>{content || '(no name)'}</a> : content}</td>;
              })}
            </tr>
          ))}
          {page !== null && !loading && !error && rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} class="muted">
                No {noun}.
              </td>
            </tr>
          )}
        </tbody>
      </table>

      <nav class="pager" aria-label="Pages">
        <button type="button" class="secondary" disabled={!previous.length || loading} onClick={back}>
          ← Previous
        </button>
        <span class="page-info" data-testid="page-info">
          Page {shown.index + 1}
          {rows.length > 0 && ` · ${from}–${from + rows.length - 1}${total !== undefined ? ` of ${total} ${noun}` : ''}`}
          {rows.length === 0 && total !== undefined && ` · ${total} ${noun}`}
        </span>
        <button type="button" class="secondary" disabled={!page?.['@odata.nextLink'] || loading} onClick={next}>
          Next →
        </button>
      </nav>
    </section>
  );
}
