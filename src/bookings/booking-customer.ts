// What deleting a microsoft.graph.bookingCustomer does to the business's appointments (Graph's docs do not say):
// its entries in their `customers` (and beta's `customerId`) stop naming it, while the name, email and phone
// copied into them stay, as on any booking made for someone the business no longer lists. The appointments
// themselves stay on the calendar: cancelling them is the client's decision.
import type { EntityHooks } from '../handlers/hooks.js';
import { APPOINTMENT_TYPE } from '../model/schemas/bookings-appointments.js';
import type { StorageSchema } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { rewriteEach, tableOf } from './references.js';

export function bookingCustomerHooks(store: Store, schema: StorageSchema): EntityHooks {
  const appointments = tableOf(schema, APPOINTMENT_TYPE);
  return {
    async afterDelete(entity, hc) {
      const gone = entity.idKey;
      const names = (id: unknown) => typeof id === 'string' && id.toLowerCase() === gone;
      await rewriteEach(store, appointments, hc.target.scope, 'customers', (list) => {
        if (!Array.isArray(list) || !list.some((c) => names((c as { customerId?: unknown })?.customerId))) return undefined;
        return list.map((c) => (names((c as { customerId?: unknown }).customerId) ? { ...(c as object), customerId: null } : c));
      });
      await rewriteEach(store, appointments, hc.target.scope, 'customerId', (id) => (names(id) ? null : undefined));
    },
  };
}
