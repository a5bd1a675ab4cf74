// One business: its head (see Business.tsx) and its customers.
import { useApp } from '../context';
import { CUSTOMER } from '../model';
import { href } from '../router';
import { BusinessFrame } from './Business';
import { businessPath } from './Businesses';
import { PagedTable } from './PagedTable';

const first = (list: unknown, pick: (x: Record<string, unknown>) => unknown) =>
  Array.isArray(list) && list.length ? `${pick(list[0]) ?? ''}${list.length > 1 ? ` (+${list.length - 1})` : ''}` : '';

export function BusinessPage({ id }: { id: string }) {
  const { model } = useApp();
  return (
    <BusinessFrame id={id} active="customers">
      <div class="title-row">
        <h2>Customers</h2>
        <a class="button" href={href.newCustomer(id)}>
          New customer
        </a>
      </div>
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
    </BusinessFrame>
  );
}
