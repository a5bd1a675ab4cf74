// One business: its details and its customers.
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Entity } from '../api';
import { humanize, useApp } from '../context';
import { BUSINESS, CUSTOMER } from '../model';
import { href } from '../router';
import { businessPath } from './Businesses';
import { ErrorBox } from './ErrorBox';
import { PagedTable } from './PagedTable';

export function useBusiness(id: string): { business: Entity | null; error: unknown } {
  const { client, session } = useApp();
  const [business, setBusiness] = useState<Entity | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setBusiness(null);
    setError(null);
    client.request<Entity>('GET', businessPath(id)).then((r) => setBusiness(r.body), setError);
  }, [id, session]);
  return { business, error };
}

const first = (list: unknown, pick: (x: Record<string, unknown>) => unknown) =>
  Array.isArray(list) && list.length ? `${pick(list[0]) ?? ''}${list.length > 1 ? ` (+${list.length - 1})` : ''}` : '';

export function BusinessPage({ id }: { id: string }) {
  const { model } = useApp();
  const { business, error } = useBusiness(id);
  const type = model.entityType(BUSINESS);
  return (
    <main>
      <p class="crumbs">
        <a href={href.businesses()}>Businesses</a> /
      </p>
      <div class="title-row">
        <h1>{business ? String(business.displayName) : id}</h1>
        <a class="button" href={href.newCustomer(id)}>
          New customer
        </a>
      </div>
      <ErrorBox error={error} />
      {business && (
        <dl class="facts">
          {['id', 'email', 'phone', 'businessType', 'webSiteUrl', 'isPublished']
            .filter((n) => type.property(n) && business[n] !== null && business[n] !== undefined && business[n] !== '')
            .map((n) => (
              <Fragment key={n}>
                <dt>{humanize(n)}</dt>
                <dd>{String(business[n])}</dd>
              </Fragment>
            ))}
        </dl>
      )}
      <h2>Customers</h2>
      <PagedTable
        path={`${businessPath(id)}/customers`}
        type={model.entityType(CUSTOMER)}
        noun="customers"
        defaultOrder={{ name: 'displayName', desc: false }}
        rowHref={(e) => href.customer(id, e.id)}
        columns={[
          { name: 'displayName', label: 'Name' },
          { name: 'emailAddress', label: 'Email' },
          { name: 'phones', render: (e) => first(e.phones, (p) => p.number) },
          { name: 'addresses', label: 'City', render: (e) => first(e.addresses, (a) => a.city) },
          { name: 'createdDateTime', label: 'Created' },
          { name: 'lastUpdatedDateTime', label: 'Updated' },
        ]}
      />
    </main>
  );
}
