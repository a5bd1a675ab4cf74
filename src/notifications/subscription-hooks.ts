// What a microsoft.graph.subscription does beyond storage, as hooks on its create, update and delete:
//  - `resource` must resolve (for the caller's tenant, through the same path resolver as requests) to a
//    change-tracked collection of an existing container, and the caller must be allowed to list it;
//  - `changeType` is a comma-separated subset of created, updated, deleted;
//  - `expirationDateTime` lies in the future, at most `maxExpirationMinutes` ahead (Graph's 4230 by default);
//  - `notificationUrl` (and `lifecycleNotificationUrl`) pass Graph's validation handshake;
//  - a subscription belongs to the app that created it (and, for a delegated caller, to the signed-in user):
//    nobody else in the tenant lists, reads, renews or deletes it (404, as if missing);
//  - a tenant has at most `maxPerTenant` live subscriptions, and an app at most `maxPerApp` in a tenant (Graph's
//    quotas for directory resources); past them, 403 naming the limit;
//  - the delivery cursor starts at the change log's end when the subscription is created, follows renewals,
//    and goes with the subscription.
import { badRequest, GraphError } from '../http/errors.js';
import type { EntityHooks, HookContext, Visibility } from '../handlers/hooks.js';
import { dateTimeOffsetMs, nowDateTimeOffset } from '../model/values.js';
import { canonicalPath, isChangeTracked } from '../odata/path.js';
import type { Principal } from '../auth/principal.js';
import type { Store } from '../store/store.js';
import { checkEndpointUrl, validateEndpoint, type EndpointPolicy } from './endpoint.js';

export const CHANGE_TYPES = ['created', 'updated', 'deleted'] as const;
const TLS_VERSIONS = ['v1_0', 'v1_1', 'v1_2', 'v1_3'];
const MAX_CLIENT_STATE = 128;

export interface SubscriptionPolicy extends EndpointPolicy {
  /** Longest a subscription may live, from now (created or renewed). */
  maxExpirationMinutes: number;
  /** Live subscriptions one tenant may have, across its apps (Graph: 1000). */
  maxPerTenant: number;
  /** Live subscriptions one app may have in a tenant (Graph: 100). */
  maxPerApp: number;
}

/** The collection a subscription watches, found when it is created. */
interface Watched {
  tableName: string;
  parentKey: string;
  resourcePath: string;
  baseline: number;
}

export function subscriptionHooks(store: Store, policy: SubscriptionPolicy): EntityHooks {
  const checkExpiration = (canonical: string) => {
    const at = dateTimeOffsetMs(canonical);
    const now = Date.now();
    if (at <= now) throw badRequest('Subscription expiration must be in the future.', 'InvalidRequest');
    if (at > now + policy.maxExpirationMinutes * 60_000) {
      throw badRequest(`Subscription expiration can only be ${policy.maxExpirationMinutes} minutes in the future.`, 'ExtensionError');
    }
    return at;
  };

  const checkEndpoint = async (property: string, value: unknown) => {
    if (typeof value !== 'string' || value === '') throw badRequest(`The property '${property}' is required.`, 'InvalidRequest');
    await validateEndpoint(checkEndpointUrl(property, value, policy), policy, property);
  };

  /** Refuses a new subscription past a quota; `extra` is 1 when the new one is already stored (the re-check). */
  const checkQuota = async (hc: HookContext, extra: 0 | 1) => {
    const { target } = await hc.resolve('subscriptions');
    const table = target.table!;
    const live = store.encodeColumn(table, 'expirationDateTime', nowDateTimeOffset());
    const appId = hc.request.principal.appId ?? null;
    const tenantCount = await store.count(table, target.scope, (eb) => eb('expirationDateTime', '>', live));
    if (tenantCount - extra >= policy.maxPerTenant) {
      throw new GraphError(403, 'ExtensionError', `Subscription quota exceeded: this tenant has ${policy.maxPerTenant} subscriptions, the most it may have (across all applications).`);
    }
    const appCount = await store.count(table, target.scope, (eb) =>
      eb.and([eb('expirationDateTime', '>', live), appId === null ? eb('applicationId', 'is', null) : eb('applicationId', '=', appId)]),
    );
    if (appCount - extra >= policy.maxPerApp) {
      throw new GraphError(403, 'ExtensionError', `Subscription quota exceeded: this application has ${policy.maxPerApp} subscriptions in this tenant, the most it may have.`);
    }
  };

  const checkTls = (value: unknown) => {
    if (value !== null && value !== undefined && !TLS_VERSIONS.includes(value as string)) {
      throw badRequest(`Invalid 'latestSupportedTlsVersion': '${String(value)}'. Expected one of ${TLS_VERSIONS.join(', ')}.`, 'InvalidRequest');
    }
  };

  return {
    visibleTo: ownedBy,

    async beforeCreate(values, hc) {
      values.changeType = parseChangeType(values.changeType);
      const watched = await resolveResource(values.resource, hc);
      checkExpiration(values.expirationDateTime as string);
      if (typeof values.clientState === 'string' && values.clientState.length > MAX_CLIENT_STATE) {
        throw badRequest(`The clientState may be at most ${MAX_CLIENT_STATE} characters long.`, 'InvalidRequest');
      }
      if (values.includeResourceData === true) {
        throw badRequest('Change notifications with resource data (includeResourceData) are not supported for this resource.', 'InvalidRequest');
      }
      checkTls(values.latestSupportedTlsVersion);
      values.latestSupportedTlsVersion ??= 'v1_2';
      const principal = hc.request.principal;
      values.applicationId = principal.appId ?? null;
      values.creatorId = principal.objectId ?? null;
      await checkQuota(hc, 0);
      // The handshakes come last: they are the slow part, and Graph runs them only for a request it would accept.
      await checkEndpoint('notificationUrl', values.notificationUrl);
      if (values.lifecycleNotificationUrl) await checkEndpoint('lifecycleNotificationUrl', values.lifecycleNotificationUrl);
      // Changes after this point are delivered (at least once: a write racing with the create may be included).
      watched.baseline = await store.changes.head(principal.tenantId);
      hc.state.set('watched', watched);
    },

    async afterCreate(entity, hc) {
      // Creates racing through their handshakes all passed the first check: counted again with this one stored
      // (a refusal here deletes it again), so the quota holds whatever the concurrency.
      await checkQuota(hc, 1);
      const w = hc.state.get('watched') as Watched;
      await store.deliveries.create({
        tenantId: hc.request.principal.tenantId,
        subscriptionKey: entity.idKey,
        tableName: w.tableName,
        parentKey: w.parentKey,
        resourcePath: w.resourcePath,
        cursorSeq: w.baseline,
        expiresAt: dateTimeOffsetMs(entity.values.expirationDateTime as string),
      });
    },

    async beforeUpdate(current, changes) {
      // Expired subscriptions are gone, as in Graph, even before the dispatcher has purged them.
      if (dateTimeOffsetMs(current.values.expirationDateTime as string) <= Date.now()) {
        throw new GraphError(404, 'ResourceNotFound', `The subscription '${String(current.values.id)}' does not exist or has expired.`);
      }
      if ('expirationDateTime' in changes) checkExpiration(changes.expirationDateTime as string);
      if ('latestSupportedTlsVersion' in changes) {
        checkTls(changes.latestSupportedTlsVersion);
        changes.latestSupportedTlsVersion ??= 'v1_2';
      }
      if ('notificationUrl' in changes && changes.notificationUrl !== current.values.notificationUrl) {
        await checkEndpoint('notificationUrl', changes.notificationUrl);
      }
      if (changes.lifecycleNotificationUrl && changes.lifecycleNotificationUrl !== current.values.lifecycleNotificationUrl) {
        await checkEndpoint('lifecycleNotificationUrl', changes.lifecycleNotificationUrl);
      }
    },

    async afterUpdate(entity, hc) {
      const expiresAt = dateTimeOffsetMs(entity.values.expirationDateTime as string);
      await store.deliveries.setExpiry(hc.request.principal.tenantId, entity.idKey, expiresAt);
    },

    async afterDelete(entity, hc) {
      await store.deliveries.remove(hc.request.principal.tenantId, entity.idKey);
    },
  };
}

/**
 * Graph's rule for GET /subscriptions (subscription-list.md, "basic scenarios"): an app calling for itself sees
 * the subscriptions this app created (for itself or any user); an app calling for a signed-in user sees those
 * this app created for that user. The owner is what the create recorded: `applicationId` and `creatorId`.
 * Without token checks (`--auth none`) there is one caller, who sees everything.
 */
function ownedBy(principal: Principal): Visibility | undefined {
  if (principal.unrestricted) return undefined;
  const app = principal.appId ?? null;
  const user = principal.kind === 'delegated' ? (principal.objectId ?? null) : undefined;
  const matches = (value: unknown, expected: string | null) => (value ?? null) === expected;
  return {
    where: (eb) => {
      const is = (column: string, expected: string | null) => (expected === null ? eb(column, 'is', null) : eb(column, '=', expected));
      return user === undefined ? is('applicationId', app) : eb.and([is('applicationId', app), is('creatorId', user)]);
    },
    allows: (e) => matches(e.values.applicationId, app) && (user === undefined || matches(e.values.creatorId, user)),
  };
}

/** `created, Updated` -> `created,updated`; anything else is refused as Graph does. */
function parseChangeType(value: unknown): string {
  const parts = String(value ?? '')
    .split(',')
    .map((p) => p.trim());
  const out: string[] = [];
  for (const part of parts) {
    const known = CHANGE_TYPES.find((c) => c === part.toLowerCase());
    if (!known) throw badRequest(`Invalid 'changeType' attribute: '${part}'. Expected a comma-separated list of ${CHANGE_TYPES.join(', ')}.`, 'InvalidRequest');
    if (!out.includes(known)) out.push(known);
  }
  return out.join(',');
}

/** The subscribed resource: a change-tracked collection (`/solutions/bookingBusinesses/{id}/customers`). */
async function resolveResource(value: unknown, hc: HookContext): Promise<Watched> {
  const raw = String(value ?? '').trim();
  const unsupported = (why: string) =>
    badRequest(`The resource '${raw}' is not supported for change notifications: ${why}`, 'InvalidRequest');
  if (raw.includes('?')) throw unsupported('query options are not supported.');
  // Graph takes the resource without the service root; a leading slash or version segment is tolerated.
  const path = raw.replace(/^\/+/, '').replace(/^(beta|v1\.0)\//i, '');
  let resolved: Awaited<ReturnType<HookContext['resolve']>>;
  try {
    resolved = await hc.resolve(path);
  } catch (err) {
    if (err instanceof GraphError && err.status === 400) throw unsupported(err.message);
    throw err;
  }
  const { target, suffix } = resolved;
  if (suffix || !target.table || !target.step.collection || target.step.key !== undefined || !isChangeTracked(target.step)) {
    throw unsupported('subscriptions are offered on collections such as solutions/bookingBusinesses/{id}/customers.');
  }
  // Graph asks for the permission to read the resource.
  hc.authorize('list', target);
  return { tableName: target.table.name, parentKey: target.scope.parentKey, resourcePath: canonicalPath(target.steps), baseline: 0 };
}
