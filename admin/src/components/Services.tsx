// A business's services: their list, page and form. A service names staff members of the business
// (`staffMemberIds`, picked from the business's staff) and asks custom questions of it (`customQuestions`,
// each assigned with whether it must be answered); durations are ISO 8601 (PT30M).
import type { ComponentChildren } from 'preact';
import type { Entity } from '../api';
import { useAll } from '../collection';
import type { FieldValue, FormObject } from '../form';
import type { CatalogueKind } from './Catalogue';
import { collectionPath } from './Catalogue';
import type { CustomField } from './EntityForm';
import { ErrorBox } from './ErrorBox';

const sameId = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
const nameOf = (items: Entity[] | null, id: unknown) => String(items?.find((e) => sameId(e.id, id))?.displayName ?? id);

/** Checkboxes, one per staff member of the business; ids it no longer has stay listed (and can be unticked). */
function StaffPicker({ businessId, id, label, value, onChange }: { businessId: string; id: string; label: string; value: FieldValue; onChange(v: FieldValue): void }) {
  const { items, error } = useAll(`${collectionPath(businessId, 'staffMembers')}?$select=id,displayName,emailAddress`);
  const chosen = (value as string[]).filter((v) => v !== '');
  const unknown = chosen.filter((c) => !items?.some((e) => sameId(e.id, c)));
  const toggle = (staffId: string, on: boolean) => onChange(on ? [...chosen, staffId] : chosen.filter((c) => !sameId(c, staffId)));
  return (
    <fieldset class="group" id={id} data-testid="staff-picker" aria-busy={items === null && !error}>
      <legend>{label}</legend>
      <ErrorBox error={error} />
      {items?.length === 0 && <p class="muted">This business has no staff members yet.</p>}
      {items?.map((s) => (
        <label class="check" key={s.id}>
          <input type="checkbox" checked={chosen.some((c) => sameId(c, s.id))} onChange={(e) => toggle(s.id, (e.currentTarget as HTMLInputElement).checked)} />
          <span>
            {String(s.displayName)} <span class="muted">{String(s.emailAddress ?? '')}</span>
          </span>
        </label>
      ))}
      {items &&
        unknown.map((c) => (
          <label class="check" key={c}>
            <input type="checkbox" checked onChange={() => toggle(c, false)} />
            <code>{c}</code> <span class="muted">(not a staff member of this business)</span>
          </label>
        ))}
    </fieldset>
  );
}

/**
 * One row per custom question of the business: "Ask" assigns it, "Required" says it must be answered.
 * Assignments keep their order (new ones go last), so an untouched list is not sent as a change.
 */
function QuestionPicker({ businessId, id, label, value, onChange }: { businessId: string; id: string; label: string; value: FieldValue; onChange(v: FieldValue): void }) {
  const { items, error } = useAll(`${collectionPath(businessId, 'customQuestions')}?$select=id,displayName,answerInputType`);
  const assigned = value as FormObject[];
  const find = (qid: string) => assigned.find((a) => sameId(a.questionId, qid));
  const ask = (qid: string, on: boolean) =>
    onChange(on ? [...assigned, { questionId: qid, isRequired: 'false' }] : assigned.filter((a) => !sameId(a.questionId, qid)));
  const require = (qid: string, on: boolean) => onChange(assigned.map((a) => (sameId(a.questionId, qid) ? { ...a, isRequired: on ? 'true' : 'false' } : a)));
  const unknown = assigned.filter((a) => !items?.some((q) => sameId(q.id, a.questionId)));
  const row = (qid: string, name: ComponentChildren) => {
    const a = find(qid);
    return (
      <div class="question-row" key={qid} data-question={qid}>
        <label class="check">
          <input type="checkbox" checked={!!a} onChange={(e) => ask(qid, (e.currentTarget as HTMLInputElement).checked)} aria-label={`Ask ${typeof name === 'string' ? name : qid}`} />
          {name}
        </label>
        <label class="check">
          <input
            type="checkbox"
            disabled={!a}
            checked={a?.isRequired === 'true'}
            onChange={(e) => require(qid, (e.currentTarget as HTMLInputElement).checked)}
            aria-label={`Require ${typeof name === 'string' ? name : qid}`}
          />
          required
        </label>
      </div>
    );
  };
  return (
    <fieldset class="group" id={id} data-testid="question-picker" aria-busy={items === null && !error}>
      <legend>{label}</legend>
      <ErrorBox error={error} />
      {items?.length === 0 && <p class="muted">This business has no custom questions yet.</p>}
      {items?.map((q) => row(q.id, String(q.displayName)))}
      {items && unknown.map((a) => row(String(a.questionId), <code>{String(a.questionId)}</code>))}
    </fieldset>
  );
}

function StaffNames({ businessId, value }: { businessId: string; value: unknown }) {
  const { items } = useAll(`${collectionPath(businessId, 'staffMembers')}?$select=id,displayName`);
  const ids = Array.isArray(value) ? value : [];
  if (!ids.length) return <>—</>;
  return <>{ids.map((i) => nameOf(items, i)).join(', ')}</>;
}

function QuestionNames({ businessId, value }: { businessId: string; value: unknown }) {
  const { items } = useAll(`${collectionPath(businessId, 'customQuestions')}?$select=id,displayName`);
  const list = Array.isArray(value) ? (value as Array<{ questionId?: string; isRequired?: boolean }>) : [];
  if (!list.length) return <>—</>;
  return <>{list.map((a) => `${nameOf(items, a.questionId)}${a.isRequired ? ' (required)' : ''}`).join(', ')}</>;
}

export const services: CatalogueKind = {
  name: 'services',
  type: 'microsoft.graph.bookingService',
  noun: 'services',
  singular: 'service',
  title: 'Services',
  columns: [
    { name: 'displayName', label: 'Name' },
    { name: 'defaultDuration', label: 'Duration' },
    { name: 'defaultPrice', label: 'Price' },
    { name: 'defaultPriceType', label: 'Price type' },
    { name: 'staffMemberIds', label: 'Staff', render: (e) => (Array.isArray(e.staffMemberIds) ? String(e.staffMemberIds.length) : '0') },
  ],
  fields: ['displayName', 'description', 'defaultDuration', 'defaultPrice', 'defaultPriceType', 'staffMemberIds', 'customQuestions'],
  details: [
    'displayName',
    'description',
    'defaultDuration',
    'defaultPrice',
    'defaultPriceType',
    'staffMemberIds',
    'customQuestions',
    'webUrl',
    'id',
    'createdDateTime',
    'lastUpdatedDateTime',
  ],
  hints: { defaultDuration: 'ISO 8601 duration, e.g. PT30M or PT1H30M', defaultPrice: 'A number, e.g. 10.5' },
  custom: (businessId): Record<string, CustomField> => ({
    staffMemberIds: (p) => <StaffPicker businessId={businessId} {...p} label="Staff members" />,
    customQuestions: (p) => <QuestionPicker businessId={businessId} {...p} />,
  }),
  detail: {
    staffMemberIds: (p) => <StaffNames {...p} />,
    customQuestions: (p) => <QuestionNames {...p} />,
  },
};
