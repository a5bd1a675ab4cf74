// The bench's request cases by name, shared by the side-by-side and profiling scripts (ab.ts, inject-ab.ts,
// profile.ts, tail.ts), so that each measures the same requests the others do.

export interface BenchRequest {
  method: 'GET' | 'POST';
  /** Path and query, from the server's origin. */
  path: string;
  body?: string;
}

const business = (id: string, version = 'beta') => `/${version}/solutions/bookingBusinesses/${encodeURIComponent(id)}`;

/**
 * `paged`: the business holding the seeded customers, `sample` one of them; `writes`: where creates go
 * (another business, so the paged one keeps its size); `body`: the create's JSON text.
 */
export function benchRequests(paged: string, writes: string, sample: { id: string; emailAddress: string }, body: string): Record<string, BenchRequest> {
  const customers = `${business(paged)}/customers`;
  return {
    create: { method: 'POST', path: `${business(writes)}/customers`, body },
    'get-by-id': { method: 'GET', path: `${customers}/${sample.id}` },
    'get-by-id-v1': { method: 'GET', path: `${business(paged, 'v1.0')}/customers/${sample.id}` },
    'list-filter-email': { method: 'GET', path: `${customers}?$filter=${encodeURIComponent(`emailAddress eq '${sample.emailAddress}'`)}` },
    'list-page-1': { method: 'GET', path: customers },
    'list-select': { method: 'GET', path: `${customers}?$select=displayName,emailAddress` },
  };
}
