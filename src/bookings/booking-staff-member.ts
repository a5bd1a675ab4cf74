// What a microsoft.graph.bookingStaffMember does beyond storage:
//  - `emailAddress` is required on create and cannot be emptied (Graph's create page; beta inherits the property
//    from bookingPerson, where it is optional, so the model alone cannot say it);
//  - `workingHours`: each day once, each slot starting before it ends; a new staff member without working hours
//    gets the business's hours (Graph: "initialized to be the same as the businessHours property");
//  - deleting a staff member takes its id out of `staffMemberIds` of the business's services and appointments
//    (Graph's docs do not say; neither ever names a staff member that does not exist; the appointments stay).
import { badRequest } from '../http/errors.js';
import type { EntityHooks } from '../handlers/hooks.js';
import { SERVICE_TYPE } from '../model/schemas/bookings-catalogue.js';
import { APPOINTMENT_TYPE } from '../model/schemas/bookings-appointments.js';
import type { StorageSchema } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { rewriteEach, tableOf } from './references.js';
import { checkWorkHours } from './work-hours.js';

export function bookingStaffMemberHooks(store: Store, schema: StorageSchema): EntityHooks {
  const services = tableOf(schema, SERVICE_TYPE);
  const appointments = tableOf(schema, APPOINTMENT_TYPE);
  return {
    async beforeCreate(values, hc) {
      if (typeof values.emailAddress !== 'string' || values.emailAddress === '') {
        throw badRequest("The property 'emailAddress' is required when creating a 'microsoft.graph.bookingStaffMember'.");
      }
      checkWorkHours('workingHours', values.workingHours);
      const parent = hc.target.parent;
      if (parent && Array.isArray(values.workingHours) && values.workingHours.length === 0) {
        const business = await store.get(parent.table, parent.scope, parent.idKey);
        if (Array.isArray(business?.values.businessHours)) values.workingHours = business.values.businessHours;
      }
    },
    beforeUpdate(_current, changes) {
      if ('emailAddress' in changes && (changes.emailAddress === null || changes.emailAddress === '')) {
        throw badRequest("The property 'emailAddress' cannot be empty.");
      }
      if ('workingHours' in changes) checkWorkHours('workingHours', changes.workingHours);
    },
    async afterDelete(entity, hc) {
      const gone = entity.idKey;
      const without = (ids: unknown) => {
        if (!Array.isArray(ids) || !ids.some((id) => String(id).toLowerCase() === gone)) return undefined;
        return ids.filter((id) => String(id).toLowerCase() !== gone);
      };
      await rewriteEach(store, services, hc.target.scope, 'staffMemberIds', without);
      await rewriteEach(store, appointments, hc.target.scope, 'staffMemberIds', without);
    },
  };
}
