// One customer: view, edit (PATCH with If-Match, so a change made meanwhile elsewhere is not overwritten),
// delete; and the form for a new one.
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { seg, type Entity } from '../api';
import { display, humanize, useApp } from '../context';
import { formState } from '../form';
import { CUSTOMER, type StructuredType } from '../model';
import { href, navigate } from '../router';
import { businessPath } from './Businesses';
import { useBusiness } from './Business';
import { EntityForm } from './EntityForm';
import { ErrorBox } from './ErrorBox';

const customersPath = (businessId: string) => `${businessPath(businessId)}/customers`;
const customerPath = (businessId: string, id: string) => `${customersPath(businessId)}/${seg(id)}`;

function Crumbs({ businessId, name }: { businessId: string; name?: string }) {
  const { business } = useBusiness(businessId);
  return (
    <p class="crumbs">
      <a href={href.businesses()}>Businesses</a> / <a href={href.business(businessId)}>{business ? String(business.displayName) : businessId}</a> /
      {name ? ` ${name}` : ''}
    </p>
  );
}

export function NewCustomer({ businessId }: { businessId: string }) {
  const { client, model } = useApp();
  const type = model.entityType(CUSTOMER);
  const create = async (body: Record<string, unknown>) => {
    const r = await client.request<Entity>('POST', customersPath(businessId), { body });
    navigate(href.customer(businessId, r.body.id));
  };
  return (
    <main>
      <Crumbs businessId={businessId} />
      <h1>New customer</h1>
      <section class="card">
        <EntityForm type={type} mode="create" initial={formState(type)} submitLabel="Create customer" onSubmit={create} onCancel={() => navigate(href.business(businessId))} />
      </section>
    </main>
  );
}

export function CustomerPage({ businessId, id, edit }: { businessId: string; id: string; edit: boolean }) {
  const { client, model, session } = useApp();
  const type = model.entityType(CUSTOMER);
  const [customer, setCustomer] = useState<Entity | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [confirming, setConfirming] = useState(false);

  const load = () =>
    client.request<Entity>('GET', customerPath(businessId, id)).then(
      (r) => {
        setCustomer(r.body);
        setError(null);
      },
      (err) => setError(err),
    );
  useEffect(() => {
    setCustomer(null);
    setNotice('');
  }, [businessId, id]);
  // Fresh values (and ETag) whenever the form opens or closes: someone may have changed the customer.
  useEffect(() => {
    void load();
  }, [businessId, id, session, edit]);

  const ifMatch = (): Record<string, string> => (customer?.['@odata.etag'] ? { 'if-match': String(customer['@odata.etag']) } : {});
  const save = async (body: Record<string, unknown>) => {
    if (Object.keys(body).length) await client.request('PATCH', customerPath(businessId, id), { body, headers: ifMatch() });
    await load();
    setNotice(Object.keys(body).length ? 'Saved.' : 'Nothing changed.');
    navigate(href.customer(businessId, id));
  };
  const remove = async () => {
    setError(null);
    try {
      await client.request('DELETE', customerPath(businessId, id), { headers: ifMatch() });
      navigate(href.business(businessId));
    } catch (err) {
      setConfirming(false);
      setError(err);
    }
  };

  const name = customer ? String(customer.displayName || '(no name)') : id;
  return (
    <main>
      <Crumbs businessId={businessId} name={name} />
      <div class="title-row">
        <h1>{name}</h1>
        {customer && !edit && (
          <div class="row">
            <a class="button" href={href.editCustomer(businessId, id)}>
              Edit
            </a>
            {confirming ? (
              <>
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
      <ErrorBox error={error} onDismiss={() => setError(null)} />
      {notice && (
        <p class="note ok" role="status">
          {notice}
        </p>
      )}
      {customer && edit && (
        <section class="card">
          <EntityForm
            key={String(customer['@odata.etag'])}
            type={type}
            mode="update"
            initial={formState(type, customer)}
            current={customer}
            submitLabel="Save"
            onSubmit={save}
            onCancel={() => navigate(href.customer(businessId, id))}
          />
        </section>
      )}
      {customer && !edit && <CustomerDetails type={type} customer={customer} />}
    </main>
  );
}

function CustomerDetails({ type, customer }: { type: StructuredType; customer: Entity }) {
  const scalars = type.properties.filter((p) => p.category !== 'complex' && !p.collection);
  const lists = type.properties.filter((p) => p.category === 'complex' && p.collection);
  return (
    <>
      <dl class="facts" data-testid="customer-details">
        {scalars.map((p) => (
          <Fragment key={p.name}>
            <dt>{humanize(p.name)}</dt>
            <dd data-prop={p.name}>{display(customer[p.name], p.type) || '—'}</dd>
          </Fragment>
        ))}
      </dl>
      {lists.map((p) => {
        const items = (customer[p.name] as Record<string, unknown>[] | null) ?? [];
        const cols = p.complexType!.properties.filter((c) => c.category !== 'complex' && !c.collection);
        return (
          <section key={p.name}>
            <h2>{humanize(p.name)}</h2>
            {items.length === 0 ? (
              <p class="muted">None.</p>
            ) : (
              <table data-testid={`${p.name}-table`}>
                <thead>
                  <tr>
                    {cols.map((c) => (
                      <th key={c.name}>{humanize(c.name)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {items.map((item, i) => (
                    <tr key={i}>
                      {cols.map((c) => (
                        <td key={c.name} data-label={humanize(c.name)}>
                          {display(item[c.name], c.type)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
    </>
  );
}
