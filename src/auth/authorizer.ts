// Checks a principal against the PermissionRule the model declares for an operation: one of the accepted
// scopes (delegated) or roles (application); personal accounts only where the rule lists any.
import type { Authorizer } from '../handlers/entities.js';
import type { Operation, PermissionRule } from '../model/edm.js';
import { accessDenied } from './errors.js';
import type { Principal } from './principal.js';

const VERB: Record<Operation, string> = { list: 'list', get: 'read', create: 'create', update: 'update', delete: 'delete' };

export const authorize: Authorizer = (principal, op, rule, step) => {
  if (principal.unrestricted) return;
  const what = `${VERB[op]} ${step.type.name}`;
  // Deny by default: an operation the model gives no rule is refused rather than silently open.
  if (!rule) throw accessDenied(`No permission is declared that allows this app to ${what}.`);
  const accepted = acceptedFor(principal, rule);
  if (accepted === null) {
    throw accessDenied(
      principal.personal
        ? `The operation '${what}' is not supported for personal Microsoft accounts.`
        : `The operation '${what}' is not supported with ${principal.kind} permissions.`,
    );
  }
  const held = new Set([...principal.permissions].map((p) => p.toLowerCase()));
  if (accepted.some((p) => held.has(p.toLowerCase()))) return;
  const kind = principal.kind === 'application' ? 'application permissions (roles)' : 'delegated permissions (scopes)';
  throw accessDenied(`Missing permission: to ${what} the token needs one of these ${kind}: ${accepted.join(', ')}.`);
};

/** The permissions that would let this principal through, or null when its kind of account is not supported. */
export function acceptedFor(principal: Principal, rule: PermissionRule): string[] | null {
  if (principal.personal) return rule.personal;
  return principal.kind === 'application' ? rule.application : rule.delegated;
}
