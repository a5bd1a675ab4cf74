// Bookings behaviour beyond the model's generic CRUD, one module per type, registered by type name.
import type { EntityHookRegistry } from '../handlers/hooks.js';
import { CUSTOM_QUESTION_TYPE, SERVICE_TYPE, STAFF_MEMBER_TYPE } from '../model/schemas/bookings-catalogue.js';
import { APPOINTMENT_TYPE } from '../model/schemas/bookings-appointments.js';
import type { StorageSchema } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { bookingAppointmentHooks, type AppointmentOptions } from './booking-appointment.js';
import { bookingBusinessHooks } from './booking-business.js';
import { bookingCustomQuestionHooks } from './booking-custom-question.js';
import { bookingCustomerHooks } from './booking-customer.js';
import { bookingServiceHooks } from './booking-service.js';
import { bookingStaffMemberHooks } from './booking-staff-member.js';
import { getStaffAvailabilityHandler } from './staff-availability.js';

export const BUSINESS_TYPE = 'microsoft.graph.bookingBusiness';
export const CUSTOMER_TYPE = 'microsoft.graph.bookingCustomer';

export interface BookingsOptions {
  appointments?: AppointmentOptions;
}

export function registerBookingsBehaviour(hooks: EntityHookRegistry, store: Store, schema: StorageSchema, opts: BookingsOptions = {}): EntityHookRegistry {
  return hooks
    .register(BUSINESS_TYPE, bookingBusinessHooks(store))
    .register(BUSINESS_TYPE, { actions: { getStaffAvailability: getStaffAvailabilityHandler(store, schema) } })
    .register(CUSTOMER_TYPE, bookingCustomerHooks(store, schema))
    .register(SERVICE_TYPE, bookingServiceHooks(store, schema))
    .register(STAFF_MEMBER_TYPE, bookingStaffMemberHooks(store, schema))
    .register(CUSTOM_QUESTION_TYPE, bookingCustomQuestionHooks(store, schema))
    .register(APPOINTMENT_TYPE, bookingAppointmentHooks(store, schema, opts.appointments));
}
