// Seeds sample businesses, their customers, staff, custom questions, services and appointments through the entity service, exactly as POST requests would create
// them (ids, stamps, validation). Entities that exist already are left alone.
import { anonymousPrincipal } from '../auth/principal.js';
import { registerBookingsBehaviour } from '../bookings/index.js';
import { EntityService } from '../handlers/entities.js';
import { EntityHookRegistry } from '../handlers/hooks.js';
import { GraphError } from '../http/errors.js';
import type { Model } from '../model/model.js';
import { resolvePath } from '../odata/path.js';
import { QueryEngine } from '../odata/query.js';
import type { StorageSchema } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { SAMPLE_BUSINESSES } from './sample-data.js';
import { customersPath } from './target.js';

export interface SeedResult {
  created: number;
  existing: number;
}

export async function seedSampleData(model: Model, schema: StorageSchema, store: Store, tenantId: string): Promise<SeedResult> {
  const service = new EntityService(model, schema, store, new QueryEngine({ defaultPageSize: 1, maxPageSize: 1 }), () => {}, {
    mailboxDomain: 'contoso.onmicrosoft.com',
    // The rules a POST would meet (a service names staff members of its business, ...).
    hooks: registerBookingsBehaviour(new EntityHookRegistry(), store, schema),
  });
  const ctx = { principal: anonymousPrincipal(tenantId), serviceRoot: '', requestUrl: '', rawQuery: '', headers: {} };
  const result: SeedResult = { created: 0, existing: 0 };
  const post = async (path: string, body: Record<string, unknown>) => {
    try {
      await service.handle('POST', resolvePath(model, path), ctx, body);
      result.created++;
    } catch (err) {
      if (err instanceof GraphError && err.status === 409) result.existing++;
      else throw err;
    }
  };
  for (const business of SAMPLE_BUSINESSES) {
    await post('solutions/bookingBusinesses', business.body);
    for (const customer of business.customers) await post(customersPath(String(business.body.id)), customer);
    const base = `solutions/bookingBusinesses/${encodeURIComponent(String(business.body.id))}`;
    for (const member of business.staffMembers ?? []) await post(`${base}/staffMembers`, member);
    for (const question of business.customQuestions ?? []) await post(`${base}/customQuestions`, question);
    for (const service of business.services ?? []) await post(`${base}/services`, service);
    for (const appointment of business.appointments ?? []) await post(`${base}/appointments`, appointment);
  }
  return result;
}
