// Who the page calls as: the API version, a bearer token (kept in sessionStorage), and a dev-token picker
// (tenant + scopes the model declares) for servers that hand out dev tokens.
import { useState } from 'preact/hooks';
import type { ApiVersion } from '../api';
import { DevTokenUnavailable, fetchDevToken } from '../auth';

interface Props {
  version: ApiVersion;
  token: string;
  scopes: string[];
  onVersion(v: ApiVersion): void;
  onToken(t: string): void;
}

export function TokenPanel({ version, token, scopes, onVersion, onToken }: Props) {
  const [draft, setDraft] = useState(token);
  const [tenant, setTenant] = useState('');
  const [chosen, setChosen] = useState<string[]>(scopes);
  const [note, setNote] = useState<{ kind: 'ok' | 'warn'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const apply = (t: string) => {
    setDraft(t);
    onToken(t);
  };
  const getDevToken = async () => {
    setBusy(true);
    setNote(null);
    try {
      apply(await fetchDevToken(tenant, chosen));
      setNote({ kind: 'ok', text: 'Dev token received.' });
    } catch (err) {
      setNote({ kind: 'warn', text: err instanceof DevTokenUnavailable ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <details class="token-panel">
      <summary>
        Access: {version} · {token ? 'token set' : 'no token'}
      </summary>
      <div class="token-grid">
        <label class="version">
          API version
          <select value={version} onChange={(e) => onVersion((e.currentTarget as HTMLSelectElement).value as ApiVersion)}>
            <option value="beta">beta</option>
            <option value="v1.0">v1.0</option>
          </select>
        </label>
        <label class="token">
          Bearer token
          <textarea
            rows={2}
            spellcheck={false}
            placeholder="eyJ… (leave empty when the server runs with --auth none)"
            value={draft}
            onInput={(e) => setDraft((e.currentTarget as HTMLTextAreaElement).value)}
          />
        </label>
        <div class="row wide">
          <button type="button" onClick={() => apply(draft)}>
            Use token
          </button>
          <button type="button" class="secondary" onClick={() => apply('')}>
            Clear token
          </button>
        </div>
        <fieldset class="wide">
          <legend>Dev token</legend>
          <label>
            Tenant
            <input value={tenant} placeholder="default tenant" onInput={(e) => setTenant((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <div class="scopes">
            {scopes.map((s) => (
              <label key={s} class="check">
                <input
                  type="checkbox"
                  checked={chosen.includes(s)}
                  onChange={(e) => setChosen((e.currentTarget as HTMLInputElement).checked ? [...chosen, s] : chosen.filter((x) => x !== s))}
                />
                {s}
              </label>
            ))}
          </div>
          <button type="button" disabled={busy} onClick={getDevToken}>
            Get dev token
          </button>
          {note && (
            <p class={`note ${note.kind}`} role="status">
              {note.text}
            </p>
          )}
        </fieldset>
      </div>
    </details>
  );
}
