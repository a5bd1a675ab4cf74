// Loading hooks the views share: one entity (reloadable, for its current values and ETag after a change) and a
// whole small collection (every page, following @odata.nextLink), such as a business's staff for a picker.
import { useEffect, useState } from 'preact/hooks';
import type { Collection, Entity } from './api';
import { useApp } from './context';

export function useEntity(path: string): { entity: Entity | null; error: unknown; reload(): Promise<void> } {
  const { client, session } = useApp();
  const [entity, setEntity] = useState<Entity | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = () =>
    client.request<Entity>('GET', path).then(
      (r) => {
        setEntity(r.body);
        setError(null);
      },
      (err) => setError(err),
    );
  useEffect(() => {
    setEntity(null);
    setError(null);
  }, [path]);
  useEffect(() => {
    void reload();
  }, [path, session]);
  return { entity, error, reload };
}

/** Every member of a collection; `null` until the last page has arrived. */
export function useAll(path: string): { items: Entity[] | null; error: unknown } {
  const { client, session } = useApp();
  const [items, setItems] = useState<Entity[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let stale = false;
    setItems(null);
    setError(null);
    (async () => {
      const all: Entity[] = [];
      let link: string | undefined = path;
      while (link) {
        const r: { body: Collection<Entity> } = await client.request<Collection<Entity>>('GET', link);
        all.push(...r.body.value);
        link = r.body['@odata.nextLink'];
      }
      return all;
    })().then(
      (all) => !stale && setItems(all),
      (err) => !stale && setError(err),
    );
    return () => {
      stale = true;
    };
  }, [path, session]);
  return { items, error };
}
