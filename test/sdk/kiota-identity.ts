// Authentication the way Graph's own samples do it: @azure/identity's credentials (ClientSecretCredential for
// apps; UsernamePasswordCredential and DeviceCodeCredential for users) behind Kiota's
// AzureIdentityAuthenticationProvider, unmodified. The credential's authority is Clientele (its dev
// issuer's OpenID configuration and token endpoint), so the same code runs against Entra and Graph by changing
// two URLs. Run by test/sdk-clients.test.ts in a process that trusts the development CA.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ClientSecretCredential, DeviceCodeCredential, UsernamePasswordCredential, type TokenCredential } from '@azure/identity';
import { AzureIdentityAuthenticationProvider } from '@microsoft/kiota-authentication-azure';
import { createGraphBetaServiceClient, GraphBetaRequestAdapter } from '@microsoft/msgraph-beta-sdk';
import '@microsoft/msgraph-beta-sdk-bookingbusinesses';
import type { ODataError } from '@microsoft/msgraph-beta-sdk/models/oDataErrors/index.js';
import { sdkEnv } from './env.js';

const env = sdkEnv();
const CLIENT_ID = '3c1b7f0e-9d2a-4e61-8f0b-6a5d4c3b2a10';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** The tenant of the token the runner gave us: the app signs in to the same one. */
const tenantId = JSON.parse(Buffer.from(env.token.split('.')[1]!, 'base64url').toString()).tid as string;

const credential = new ClientSecretCredential(tenantId, CLIENT_ID, 'any secret: the dev issuer does not check it', {
  authorityHost: env.origin,
  // Clientele is not a Microsoft cloud that instance discovery knows about.
  disableInstanceDiscovery: true,
});
/** A Kiota beta client that signs in with `credential`. */
function clientFor(credential: TokenCredential, scopes = [GRAPH_SCOPE]) {
  // Kiota matches allowed hosts without the port.
  const auth = new AzureIdentityAuthenticationProvider(credential, scopes, undefined, new Set([new URL(env.origin).hostname]));
  const adapter = new GraphBetaRequestAdapter(auth);
  adapter.baseUrl = `${env.origin}/beta`;
  return createGraphBetaServiceClient(adapter);
}
const client = clientFor(credential);
const authority = { authorityHost: env.origin, disableInstanceDiscovery: true };
let businessId: string;

before(async () => {
  // Graph lets only delegated callers create businesses: the runner's user token makes one.
  const res = await fetch(`${env.origin}/beta/solutions/bookingBusinesses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: 'Identity Test Shop' }),
  });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  businessId = (JSON.parse(text) as { id: string }).id;
});

describe('@azure/identity ClientSecretCredential with Clientele as the authority', () => {
  it('gets an app-only Graph token from the dev issuer', async () => {
    const token = await credential.getToken(GRAPH_SCOPE);
    const claims = JSON.parse(Buffer.from(token.token.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.tid, tenantId);
    assert.equal(claims.appid, CLIENT_ID);
    assert.equal(claims.idtyp, 'app');
    assert.ok(claims.roles.includes('Bookings.Manage.All'), `the app token has the Bookings.Manage.All role: ${claims.roles}`);
    assert.ok(token.expiresOnTimestamp > Date.now() + 50 * 60_000, `the token is valid for about an hour: ${new Date(token.expiresOnTimestamp).toISOString()}`);
  });

  it('the Kiota beta client creates, lists and deletes customers with it', async () => {
    const customers = client.bookingBusinesses.byBookingBusinessId(businessId).customers;
    const created = await customers.post({ displayName: 'Joni Sherman', emailAddress: 'joni@contoso.example' });
    assert.ok(created?.id, 'the created customer has an id');
    const listed = await customers.get({ queryParameters: { filter: "emailAddress eq 'joni@contoso.example'" } });
    assert.deepEqual(
      listed?.value?.map((c) => c.id),
      [created.id],
    );
    await customers.byBookingCustomerId(created.id).delete();
    const error = await customers
      .byBookingCustomerId(created.id)
      .get()
      .then(
        () => assert.fail('the customer was deleted'),
        (e: ODataError) => e,
      );
    assert.equal(error.responseStatusCode, 404);
  });

  it('refuses what Entra refuses, with its error codes', async () => {
    // @azure/identity wraps MSAL's error; Entra's code and message come through.
    await assert.rejects(credential.getToken('https://management.azure.com/.default'), /invalid_resource: .*AADSTS500011: The resource principal named https:\/\/management\.azure\.com was not found/);
    const noSecret = new ClientSecretCredential(tenantId, 'not-a-guid', 'x', { authorityHost: env.origin, disableInstanceDiscovery: true });
    await assert.rejects(noSecret.getToken(GRAPH_SCOPE), /AADSTS700016/);
  });
});

describe('@azure/identity user credentials with Clientele as the authority', () => {
  it('UsernamePasswordCredential: the user creates a business (a delegated-only operation) and lists it', async () => {
    const user = new UsernamePasswordCredential(tenantId, CLIENT_ID, 'megan@contoso.example', 'any password', authority);
    const asUser = clientFor(user);
    const created = await asUser.bookingBusinesses.post({ displayName: 'Megan Shop' });
    assert.ok(created?.id, 'the created business has an id');
    const mine = await asUser.bookingBusinesses.get();
    assert.ok(mine?.value?.some((b) => b.id === created.id), `the user's business ${created.id} is listed`);
    const token = await user.getToken(GRAPH_SCOPE);
    const claims = JSON.parse(Buffer.from(token!.token.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.preferred_username, 'megan@contoso.example');
    assert.equal(claims.idtyp, 'user');
  });

  it('DeviceCodeCredential: the prompt names the code, the sign-in completes at once', async () => {
    const prompts: string[] = [];
    const device = new DeviceCodeCredential({
      tenantId,
      clientId: CLIENT_ID,
      userPromptCallback: (info) => void prompts.push(info.message),
      ...authority,
    });
    const asDevice = clientFor(device, ['https://graph.microsoft.com/Bookings.Read.All']);
    const list = await asDevice.bookingBusinesses.byBookingBusinessId(businessId).customers.get();
    assert.ok(Array.isArray(list?.value), 'the device-code user lists customers');
    assert.equal(prompts.length, 1);
    assert.match(prompts[0]!, /enter the code [A-Z0-9]+/);
    // A read-only user cannot write: Graph's 403 comes through as an ODataError.
    const refused = await asDevice.bookingBusinesses
      .byBookingBusinessId(businessId)
      .customers.post({ displayName: 'Nope' })
      .then(
        () => assert.fail('a read-only token wrote'),
        (e: ODataError) => e,
      );
    assert.equal(refused.responseStatusCode, 403);
  });
});
