// What every view needs: the Graph client and the resolved model.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiVersion, GraphClient } from './api';
import type { Model } from './model';

export interface AppContext {
  client: GraphClient;
  model: Model;
  /** The API version the page calls (its shapes differ: beta's start/end are v1.0's startDateTime/endDateTime). */
  version: ApiVersion;
  /** Bumped when the token or version changes, so views reload. */
  session: number;
}

export const Ctx = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useApp outside <Ctx.Provider>');
  return ctx;
}

/** "displayName" -> "Display name". */
export function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** DateTimeOffset as the reader's local time; other values as text. */
export function display(value: unknown, type?: string): string {
  if (value === null || value === undefined || value === '') return '';
  if (type === 'Edm.DateTimeOffset' && typeof value === 'string') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? value : d.toLocaleString();
  }
  return String(value);
}
