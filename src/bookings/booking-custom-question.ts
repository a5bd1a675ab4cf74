// What a microsoft.graph.bookingCustomQuestion does beyond storage:
//  - `answerInputType` and `answerOptions` agree: a `radioButton` question offers at least one option, a `text`
//    question none; options are non-empty and distinct (checked on the merged state of an update);
//  - deleting a question takes its assignments out of the business's services (`customQuestions`), so that a
//    service never assigns a question that does not exist (Graph's docs do not say).
import { badRequest } from '../http/errors.js';
import type { EntityHooks } from '../handlers/hooks.js';
import { SERVICE_TYPE } from '../model/schemas/bookings-catalogue.js';
import type { StorageSchema } from '../store/schema.js';
import { lockBusiness, rewriteEach, tableOf } from './references.js';

function checkAnswers(inputType: unknown, options: unknown): void {
  const list = Array.isArray(options) ? (options as string[]) : [];
  list.forEach((o, i) => {
    if (o.trim() === '') throw badRequest(`The property 'answerOptions[${i}]' cannot be empty.`);
    if (list.indexOf(o) !== i) throw badRequest(`The answer option '${o}' appears more than once in 'answerOptions'.`);
  });
  if (inputType === 'radioButton' && list.length === 0) {
    throw badRequest("A custom question with 'answerInputType' radioButton needs at least one of 'answerOptions'.");
  }
  if (inputType === 'text' && list.length > 0) {
    throw badRequest("A custom question with 'answerInputType' text takes no 'answerOptions' (they are for radioButton questions).");
  }
}

export function bookingCustomQuestionHooks(schema: StorageSchema): EntityHooks {
  const services = tableOf(schema, SERVICE_TYPE);
  return {
    beforeCreate(values) {
      values.answerInputType ??= 'text';
      checkAnswers(values.answerInputType, values.answerOptions);
    },
    beforeUpdate(current, changes) {
      if ('answerInputType' in changes && changes.answerInputType === null) changes.answerInputType = 'text';
      const merged = { ...current.values, ...changes };
      checkAnswers(merged.answerInputType, merged.answerOptions);
    },
    // The delete and the cleanup of the services are one transaction, the business locked first (references.ts).
    transactional: true,
    async beforeDelete(_entity, hc) {
      await lockBusiness(hc);
    },
    async afterDelete(entity, hc) {
      const gone = entity.idKey;
      await rewriteEach(hc.store, services, hc.target.scope, 'customQuestions', (assignments) => {
        if (!Array.isArray(assignments)) return undefined;
        const kept = assignments.filter((a) => String((a as { questionId?: unknown })?.questionId ?? '').toLowerCase() !== gone);
        return kept.length === assignments.length ? undefined : kept;
      });
    },
  };
}
