// The business list (paged, sortable, searchable) and a form for a new business.
import { useState } from 'preact/hooks';
import { seg, type Entity } from '../api';
import { useApp } from '../context';
import { formState } from '../form';
import { BUSINESS } from '../model';
import { href, navigate } from '../router';
import { EntityForm } from './EntityForm';
import { PagedTable } from './PagedTable';

export const BUSINESSES_PATH = '/solutions/bookingBusinesses';

export function Businesses() {
  const { client, model } = useApp();
  const type = model.entityType(BUSINESS);
  const [creating, setCreating] = useState(false);

  const create = async (body: Record<string, unknown>) => {
    const r = await client.request<Entity>('POST', BUSINESSES_PATH, { body });
    navigate(href.business(r.body.id));
  };

  return (
    <main>
      <div class="title-row">
        <h1>Businesses</h1>
        {!creating && <button onClick={() => setCreating(true)}>New business</button>}
      </div>
      {creating && (
        <section class="card">
          <h2>New business</h2>
          <EntityForm type={type} mode="create" initial={formState(type)} submitLabel="Create business" onSubmit={create} onCancel={() => setCreating(false)} />
        </section>
      )}
      <PagedTable
        path={BUSINESSES_PATH}
        type={type}
        noun="businesses"
        defaultOrder={{ name: 'displayName', desc: false }}
        rowHref={(e) => href.business(e.id)}
        columns={[{ name: 'displayName', label: 'Name' }, { name: 'id', label: 'Id (mailbox)' }, { name: 'email' }, { name: 'phone' }, { name: 'createdDateTime', label: 'Created' }]}
      />
    </main>
  );
}

export const businessPath = (id: string) => `${BUSINESSES_PATH}/${seg(id)}`;
