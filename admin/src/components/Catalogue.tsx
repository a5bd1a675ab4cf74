// A business's services, staff members and custom questions share their views: a paged list, one item (its
// details, edit with If-Match, delete after a confirmation) and the form for a new one. What differs per
// type (columns, the fields of its form, pickers, how a detail reads) is its CatalogueKind, declared in its
// own module (Services.tsx, StaffMembers.tsx, CustomQuestions.tsx).
import { Fragment, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { seg, type Entity } from '../api';
import { useEntity } from '../collection';
import { display, humanize, useApp } from '../context';
import { formState } from '../form';
import type { StructuredType } from '../model';
import { href, navigate, type CatalogueKindName } from '../router';
import { BusinessFrame, ifMatch, useBusiness } from './Business';
import { businessPath } from './Businesses';
import { EntityForm, type CustomField } from './EntityForm';
import { ErrorBox } from './ErrorBox';
import { PagedTable, type Column } from './PagedTable';

export interface CatalogueKind {
  name: CatalogueKindName;
  /** The entity type, qualified. */
  type: string;
  /** 'services', 'service', 'Services'. */
  noun: string;
  singular: string;
  title: string;
  columns: Column[];
  /** The properties its form edits, in order. */
  fields: string[];
  /** The properties its page shows, in order. */
  details: string[];
  hints?: Record<string, string>;
  /** Required on create by the server's rules for the type, beyond the model's. */
  required?: string[];
  /** Fields drawn by the kind (pickers of the business's other items). */
  custom?(businessId: string): Record<string, CustomField>;
  /** What deleting one does besides (said at the confirmation). */
  deleteNote?: string;
  /** Details drawn by the kind (names rather than ids). */
  detail?: Record<string, (p: { businessId: string; value: unknown }) => ComponentChildren>;
}

export const collectionPath = (businessId: string, kind: CatalogueKindName) => `${businessPath(businessId)}/${kind}`;
const itemPath = (businessId: string, kind: CatalogueKindName, id: string) => `${collectionPath(businessId, kind)}/${seg(id)}`;

export function CatalogueList({ businessId, kind }: { businessId: string; kind: CatalogueKind }) {
  const { model } = useApp();
  return (
    <BusinessFrame id={businessId} active={kind.name}>
      <div class="title-row">
        <h2>{kind.title}</h2>
        <a class="button" href={href.newItem(businessId, kind.name)}>
          New {kind.singular}
        </a>
      </div>
      <PagedTable
        key={kind.name}
        path={collectionPath(businessId, kind.name)}
        type={model.entityType(kind.type)}
        noun={kind.noun}
        defaultOrder={{ name: 'displayName', desc: false }}
        rowHref={(e) => href.item(businessId, kind.name, e.id)}
        columns={kind.columns}
      />
    </BusinessFrame>
  );
}

function Crumbs({ businessId, kind, name }: { businessId: string; kind: CatalogueKind; name?: string }) {
  const { business } = useBusiness(businessId);
  return (
    <p class="crumbs">
      <a href={href.businesses()}>Businesses</a> / <a href={href.business(businessId)}>{business ? String(business.displayName) : businessId}</a> /{' '}
      <a href={href.catalogue(businessId, kind.name)}>{kind.title}</a> /{name ? ` ${name}` : ''}
    </p>
  );
}

export function NewItem({ businessId, kind }: { businessId: string; kind: CatalogueKind }) {
  const { client, model } = useApp();
  const type = model.entityType(kind.type);
  const create = async (body: Record<string, unknown>) => {
    const r = await client.request<Entity>('POST', collectionPath(businessId, kind.name), { body });
    navigate(href.item(businessId, kind.name, r.body.id));
  };
  return (
    <main>
      <Crumbs businessId={businessId} kind={kind} />
      <h1>New {kind.singular}</h1>
      <section class="card">
        <EntityForm
          type={type}
          mode="create"
          fields={kind.fields}
          initial={formState(type, undefined, kind.fields)}
          custom={kind.custom?.(businessId)}
          hints={kind.hints}
          required={kind.required}
          submitLabel={`Create ${kind.singular}`}
          onSubmit={create}
          onCancel={() => navigate(href.catalogue(businessId, kind.name))}
        />
      </section>
    </main>
  );
}

export function ItemPage({ businessId, kind, id, edit }: { businessId: string; kind: CatalogueKind; id: string; edit: boolean }) {
  const { client, model } = useApp();
  const type = model.entityType(kind.type);
  const path = itemPath(businessId, kind.name, id);
  const { entity, error: loadError, reload } = useEntity(path);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [confirming, setConfirming] = useState(false);

  // A "Saved." is about the last save: opening the form again clears it.
  useEffect(() => {
    if (edit) setNotice('');
  }, [edit]);

  const save = async (body: Record<string, unknown>) => {
    const changed = Object.keys(body).length > 0;
    if (changed) await client.request('PATCH', path, { body, headers: ifMatch(entity) });
    await reload();
    setNotice(changed ? 'Saved.' : 'Nothing changed.');
    navigate(href.item(businessId, kind.name, id));
  };
  const remove = async () => {
    setError(null);
    try {
      await client.request('DELETE', path, { headers: ifMatch(entity) });
      navigate(href.catalogue(businessId, kind.name));
    } catch (err) {
      setConfirming(false);
      setError(err);
    }
  };

  const name = entity ? String(entity.displayName || '(no name)') : id;
  return (
    <main>
      <Crumbs businessId={businessId} kind={kind} name={name} />
      <div class="title-row">
        <h1>{name}</h1>
        {entity && !edit && (
          <div class="row">
            <a class="button" href={href.editItem(businessId, kind.name, id)}>
              Edit
            </a>
            {confirming ? (
              <>
                {kind.deleteNote && <span class="muted">{kind.deleteNote}</span>}
                <button class="danger" onClick={remove}>
                  Confirm delete
                </button>
                <button class="secondary" onClick={() => setConfirming(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button class="danger" onClick={() => setConfirming(true)}>
                Delete
              </button>
            )}
          </div>
        )}
      </div>
      <ErrorBox error={loadError} />
      <ErrorBox error={error} onDismiss={() => setError(null)} />
      {notice && !edit && (
        <p class="note ok" role="status">
          {notice}
        </p>
      )}
      {entity && edit && (
        <section class="card">
          <EntityForm
            key={String(entity['@odata.etag'])}
            type={type}
            mode="update"
            fields={kind.fields}
            initial={formState(type, entity, kind.fields)}
            current={entity}
            custom={kind.custom?.(businessId)}
            hints={kind.hints}
            submitLabel="Save"
            onSubmit={save}
            onCancel={() => navigate(href.item(businessId, kind.name, id))}
          />
        </section>
      )}
      {entity && !edit && <Details businessId={businessId} kind={kind} type={type} entity={entity} />}
    </main>
  );
}

/** A value as the page shows it: lists joined, absent values as a dash. */
function shown(value: unknown, type?: string): string {
  if (Array.isArray(value)) return value.length ? value.map((v) => display(v)).join(', ') : '—';
  return display(value, type) || '—';
}

function Details({ businessId, kind, type, entity }: { businessId: string; kind: CatalogueKind; type: StructuredType; entity: Entity }) {
  return (
    <dl class="facts" data-testid="item-details">
      {kind.details
        .filter((n) => type.property(n))
        .map((n) => {
          const draw = kind.detail?.[n];
          return (
            <Fragment key={n}>
              <dt>{humanize(n)}</dt>
              <dd data-prop={n}>{draw ? draw({ businessId, value: entity[n] }) : shown(entity[n], type.property(n)?.type)}</dd>
            </Fragment>
          );
        })}
    </dl>
  );
}
