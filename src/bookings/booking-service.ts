// What a microsoft.graph.bookingService does beyond storage, as hooks on its create and update:
//  - `staffMemberIds` name staff members of the same business (each once);
//  - `customQuestions` assign custom questions of the same business, each once (`isRequired` false unless said);
//  - `defaultReminders` say when (offset), to whom (recipients) and what (message);
//  - `webUrl` is computed: the service's page under the business's booking page (Graph's form,
//    https://outlook.office365.com/owa/calendar/{businessId}/bookings/s/{token}, the token opaque as Graph's).
// Deleting a staff member or custom question takes it out of the services that name it (booking-staff-member.ts,
// booking-custom-question.ts). Deleting a service leaves its appointments on the calendar with their
// `serviceName` (and what they copied of it) but no `serviceId` (Graph's docs do not say; an appointment never
// names a service that does not exist).
import { randomBytes } from 'node:crypto';
import { badRequest } from '../http/errors.js';
import type { EntityHooks, HookContext } from '../handlers/hooks.js';
import { CUSTOM_QUESTION_TYPE, STAFF_MEMBER_TYPE } from '../model/schemas/bookings-catalogue.js';
import type { StorageSchema } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { APPOINTMENT_TYPE } from '../model/schemas/bookings-appointments.js';
import { requireExisting, rewriteEach, tableOf } from './references.js';

/** Where a business's booking page lives (its `publicUrl` once published). */
export function bookingPageUrl(businessId: string): string {
  return `https://outlook.office365.com/owa/calendar/${businessId}/bookings/`;
}

/** 16 random bytes in the URL-token form Graph's service links end with (base64url, padding count appended). */
function pageToken(): string {
  const b64 = randomBytes(16).toString('base64');
  const padding = b64.length - b64.replace(/=+$/, '').length;
  return b64.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') + String(padding);
}

/** The business a request under `…/bookingBusinesses/{id}/…` works in: its id as stored. */
export function businessIdOf(hc: HookContext): string {
  const step = hc.target.steps.find((s) => s.name === 'bookingBusinesses');
  if (step?.key === undefined) throw new Error('a Bookings entity outside a business');
  return step.key;
}

function dedupe(ids: string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => !seen.has(id.toLowerCase()) && seen.add(id.toLowerCase()));
}

export function bookingServiceHooks(store: Store, schema: StorageSchema): EntityHooks {
  const staff = tableOf(schema, STAFF_MEMBER_TYPE);
  const questions = tableOf(schema, CUSTOM_QUESTION_TYPE);
  const appointments = tableOf(schema, APPOINTMENT_TYPE);

  const check = async (values: Record<string, unknown>, hc: HookContext) => {
    const scope = hc.target.scope;
    if (Array.isArray(values.staffMemberIds)) {
      values.staffMemberIds = dedupe(values.staffMemberIds as string[]);
      await requireExisting(store, staff, scope, values.staffMemberIds as string[], (id) => `The staff member '${id}' in 'staffMemberIds' is not a staff member of this business.`);
    }
    if (Array.isArray(values.customQuestions)) {
      const assignments = values.customQuestions as Array<Record<string, unknown>>;
      const ids: string[] = [];
      assignments.forEach((a, i) => {
        if (typeof a.questionId !== 'string' || a.questionId === '') throw badRequest(`The property 'customQuestions[${i}]/questionId' is required.`);
        if (ids.some((id) => id.toLowerCase() === (a.questionId as string).toLowerCase())) {
          throw badRequest(`The custom question '${a.questionId}' is assigned more than once in 'customQuestions'.`);
        }
        ids.push(a.questionId);
        a.isRequired ??= false;
      });
      await requireExisting(store, questions, scope, ids, (id) => `The custom question '${id}' in 'customQuestions' is not a custom question of this business.`);
    }
    if (Array.isArray(values.defaultReminders)) {
      (values.defaultReminders as Array<Record<string, unknown>>).forEach((r, i) => {
        for (const member of ['offset', 'recipients', 'message']) {
          if (r[member] === null || r[member] === undefined) throw badRequest(`The property 'defaultReminders[${i}]/${member}' is required.`);
        }
      });
    }
  };

  return {
    async beforeCreate(values, hc) {
      await check(values, hc);
      values.webUrl = `${bookingPageUrl(businessIdOf(hc))}s/${pageToken()}`;
    },
    async beforeUpdate(_current, changes, hc) {
      await check(changes, hc);
    },
    async afterDelete(entity, hc) {
      const gone = entity.idKey;
      await rewriteEach(store, appointments, hc.target.scope, 'serviceId', (id) => (typeof id === 'string' && id.toLowerCase() === gone ? null : undefined));
    },
  };
}
