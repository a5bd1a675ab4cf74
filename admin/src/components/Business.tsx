// One business as every page under it shows it: its facts, edit (PATCH with If-Match), delete (after a
// confirmation), publish/unpublish (Graph's bound actions), and tabs for what it holds. And its edit form.
import { Fragment, type ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Entity } from '../api';
import { useEntity } from '../collection';
import { humanize, useApp } from '../context';
import { formState } from '../form';
import { BUSINESS } from '../model';
import { href, navigate, type CatalogueKindName } from '../router';
import { businessPath } from './Businesses';
import { EntityForm } from './EntityForm';
import { ErrorBox } from './ErrorBox';

/** What the edit form changes: the business's own details (hours and policies keep their values). */
const EDITED = ['displayName', 'businessType', 'email', 'phone', 'webSiteUrl', 'defaultCurrencyIso', 'languageTag', 'address'];
const FACTS = ['id', 'email', 'phone', 'businessType', 'webSiteUrl', 'defaultCurrencyIso'];

export const ifMatch = (e: Entity | null): Record<string, string> => (e?.['@odata.etag'] ? { 'if-match': String(e['@odata.etag']) } : {});

export function useBusiness(id: string) {
  const { entity, error, reload } = useEntity(businessPath(id));
  return { business: entity, error, reload };
}

export type BusinessTab = 'customers' | CatalogueKindName | 'calendar';
const TABS: Array<[BusinessTab, string]> = [
  ['customers', 'Customers'],
  ['services', 'Services'],
  ['staffMembers', 'Staff members'],
  ['customQuestions', 'Custom questions'],
  ['calendar', 'Calendar'],
];

/** The business's head (facts and actions) and its tabs, above the tab's content. */
export function BusinessFrame({ id, active, children }: { id: string; active: BusinessTab; children: ComponentChildren }) {
  const { client, model } = useApp();
  const { business, error, reload } = useBusiness(id);
  const type = model.entityType(BUSINESS);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState('');

  const act = async (what: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setActionError(null);
    setNotice('');
    try {
      await what();
      await reload();
      setNotice(done);
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  };
  const publish = (action: 'publish' | 'unpublish') =>
    act(() => client.request('POST', `${businessPath(id)}/${action}`), action === 'publish' ? 'Published.' : 'Unpublished.');
  const remove = async () => {
    setActionError(null);
    try {
      await client.request('DELETE', businessPath(id), { headers: ifMatch(business) });
      navigate(href.businesses());
    } catch (err) {
      setConfirming(false);
      setActionError(err);
    }
  };

  return (
    <main>
      <p class="crumbs">
        <a href={href.businesses()}>Businesses</a> /
      </p>
      <div class="title-row">
        <h1>{business ? String(business.displayName) : id}</h1>
        {business && (
          <div class="row" data-testid="business-actions">
            <a class="button" href={href.editBusiness(id)}>
              Edit business
            </a>
            {business.isPublished ? (
              <button class="secondary" disabled={busy} onClick={() => publish('unpublish')}>
                Unpublish
              </button>
            ) : (
              <button class="secondary" disabled={busy} onClick={() => publish('publish')}>
                Publish
              </button>
            )}
            {confirming ? (
              <>
                <span class="muted">With its customers, services, staff members and custom questions.</span>
                <button class="danger" onClick={remove}>
                  Confirm delete business
                </button>
                <button class="secondary" onClick={() => setConfirming(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button class="danger" onClick={() => setConfirming(true)}>
                Delete business
              </button>
            )}
          </div>
        )}
      </div>
      <ErrorBox error={error} />
      <ErrorBox error={actionError} onDismiss={() => setActionError(null)} />
      {notice && (
        <p class="note ok" role="status">
          {notice}
        </p>
      )}
      {business && (
        <dl class="facts" data-testid="business-details">
          {FACTS.filter((n) => type.property(n) && business[n] !== null && business[n] !== undefined && business[n] !== '').map((n) => (
            <Fragment key={n}>
              <dt>{humanize(n)}</dt>
              <dd data-prop={n}>{String(business[n])}</dd>
            </Fragment>
          ))}
          <dt>Booking page</dt>
          <dd data-prop="isPublished">
            {business.isPublished ? 'Published' : 'Not published'}
            {typeof business.publicUrl === 'string' && business.publicUrl && (
              <>
                {' · '}
                <a href={business.publicUrl} data-testid="public-url" rel="noreferrer" target="_blank">
                  {business.publicUrl}
                </a>
              </>
            )}
          </dd>
        </dl>
      )}
      <nav class="tabs" aria-label="Business">
        {TABS.map(([tab, label]) => (
          <a key={tab} href={tab === 'customers' ? href.business(id) : tab === 'calendar' ? href.calendar(id) : href.catalogue(id, tab)} aria-current={tab === active ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {children}
    </main>
  );
}

export function EditBusiness({ id }: { id: string }) {
  const { client, model } = useApp();
  const type = model.entityType(BUSINESS);
  const { business, error } = useBusiness(id);
  const save = async (body: Record<string, unknown>) => {
    if (Object.keys(body).length) await client.request('PATCH', businessPath(id), { body, headers: ifMatch(business) });
    navigate(href.business(id));
  };
  return (
    <main>
      <p class="crumbs">
        <a href={href.businesses()}>Businesses</a> / <a href={href.business(id)}>{business ? String(business.displayName) : id}</a> /
      </p>
      <h1>Edit business</h1>
      <ErrorBox error={error} />
      {business && (
        <section class="card">
          <EntityForm
            key={String(business['@odata.etag'])}
            type={type}
            mode="update"
            fields={EDITED}
            initial={formState(type, business, EDITED)}
            current={business}
            submitLabel="Save business"
            onSubmit={save}
            onCancel={() => navigate(href.business(id))}
          />
        </section>
      )}
    </main>
  );
}
