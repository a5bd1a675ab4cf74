// A Graph error as a person needs it: status and code, the message, and the ids to quote in a report.
import { GraphRequestError } from '../api';

export function ErrorBox({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  if (!error) return null;
  if (!(error instanceof GraphRequestError)) {
    return (
      <div class="error-box" role="alert" data-testid="graph-error">
        <strong>Error</strong>
        <p class="error-message">{error instanceof Error ? error.message : String(error)}</p>
      </div>
    );
  }
  const e = error.info;
  return (
    <div class="error-box" role="alert" data-testid="graph-error">
      <div class="error-head">
        <strong>
          {e.status ? `${e.status} ` : ''}
          <code data-testid="error-code">{e.code}</code>
        </strong>
        {onDismiss && (
          <button type="button" class="link" onClick={onDismiss} aria-label="Dismiss error">
            ×
          </button>
        )}
      </div>
      <p class="error-message" data-testid="error-message">
        {e.message}
      </p>
      {e.status === 401 && <p class="muted">Open “Access” at the top right to paste a bearer token or get a dev token.</p>}
      {e.status === 412 && <p class="muted">It was changed elsewhere since this page loaded it: cancel to see its current values, then try again.</p>}
      <dl class="error-ids">
        {e.requestId && (
          <>
            <dt>request-id</dt>
            <dd data-testid="error-request-id">{e.requestId}</dd>
          </>
        )}
        {e.clientRequestId && (
          <>
            <dt>client-request-id</dt>
            <dd>{e.clientRequestId}</dd>
          </>
        )}
        {e.date && (
          <>
            <dt>date</dt>
            <dd>{e.date}</dd>
          </>
        )}
      </dl>
    </div>
  );
}
