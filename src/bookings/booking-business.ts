// What a microsoft.graph.bookingBusiness does beyond storage:
//  - its `businessHours` follow the rules of any working hours (each day once, each slot starting before it ends);
//  - `publish` makes its booking page public: `isPublished` true and `publicUrl` the page's address (Graph's form,
//    https://outlook.office365.com/owa/calendar/{id}/bookings/); `unpublish` sets them back to false and null.
//    Both are ordinary writes (a new ETag, lastUpdatedDateTime, a change in the log).
import { notFound } from '../http/errors.js';
import type { EntityHooks, HookContext } from '../handlers/hooks.js';
import type { Store, StoredEntity } from '../store/store.js';
import { withUpdateStamps } from './references.js';
import { bookingPageUrl } from './booking-service.js';
import { checkWorkHours } from './work-hours.js';

export function bookingBusinessHooks(store: Store): EntityHooks {
  const setPublished = async (entity: StoredEntity, hc: HookContext, published: boolean) => {
    const table = hc.target.table!;
    const changes = withUpdateStamps(table, { isPublished: published, publicUrl: published ? bookingPageUrl(String(entity.values.id)) : null });
    // Deleted since the request found it: as if it had never been there.
    if (!(await store.update(table, hc.target.scope, entity.idKey, changes))) throw notFound(`The business '${String(entity.values.id)}' no longer exists.`, 'ErrorNonExistentMailbox');
  };
  return {
    beforeCreate(values) {
      checkWorkHours('businessHours', values.businessHours);
    },
    beforeUpdate(_current, changes) {
      if ('businessHours' in changes) checkWorkHours('businessHours', changes.businessHours);
    },
    actions: {
      publish: (entity, _parameters, hc) => setPublished(entity, hc, true),
      unpublish: (entity, _parameters, hc) => setPublished(entity, hc, false),
    },
  };
}
