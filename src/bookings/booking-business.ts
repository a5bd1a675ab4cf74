// What a microsoft.graph.bookingBusiness does beyond storage: its `businessHours` follow the rules of any
// working hours (each day once, each slot starting before it ends).
import type { EntityHooks } from '../handlers/hooks.js';
import { checkWorkHours } from './work-hours.js';

export function bookingBusinessHooks(): EntityHooks {
  return {
    beforeCreate(values) {
      checkWorkHours('businessHours', values.businessHours);
    },
    beforeUpdate(_current, changes) {
      if ('businessHours' in changes) checkWorkHours('businessHours', changes.businessHours);
    },
  };
}
