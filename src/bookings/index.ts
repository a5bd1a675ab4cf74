// Bookings behaviour beyond the model's generic CRUD, one module per type, registered by type name.
import type { EntityHookRegistry } from '../handlers/hooks.js';
import { CUSTOM_QUESTION_TYPE, SERVICE_TYPE, STAFF_MEMBER_TYPE } from '../model/schemas/bookings-catalogue.js';
import type { StorageSchema } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { bookingBusinessHooks } from './booking-business.js';
import { bookingCustomQuestionHooks } from './booking-custom-question.js';
import { bookingServiceHooks } from './booking-service.js';
import { bookingStaffMemberHooks } from './booking-staff-member.js';

export const BUSINESS_TYPE = 'microsoft.graph.bookingBusiness';

export function registerBookingsBehaviour(hooks: EntityHookRegistry, store: Store, schema: StorageSchema): EntityHookRegistry {
  return hooks
    .register(BUSINESS_TYPE, bookingBusinessHooks(store))
    .register(SERVICE_TYPE, bookingServiceHooks(schema))
    .register(STAFF_MEMBER_TYPE, bookingStaffMemberHooks(schema))
    .register(CUSTOM_QUESTION_TYPE, bookingCustomQuestionHooks(schema));
}
