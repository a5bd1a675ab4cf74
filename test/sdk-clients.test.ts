// The official Graph SDKs, unmodified, against real Clientele processes over https: the development
// certificate is trusted the way a user would trust it, through NODE_EXTRA_CA_CERTS, by the process that
// runs each SDK's tests (test/sdk/*.ts), and each SDK works in its own tenant with a `clientele token` token
// (or, for @azure/identity, one from the dev issuer's token endpoint).
// One server serves all three; a second one throttles (1 request/s, bursts of 2) for the retry tests.
// test-engines: sqlite (the SDKs' side of the wire; the API tests cover both engines)
// test-duration: long (test/run.ts starts it first)
import { runTestFileInChild, startClienteleProcess } from './helpers/sdk.js';

const server = await startClienteleProcess();
try {
  const throttled = await startClienteleProcess({ args: ['--throttle', '1:2'], certificateOf: server });
  try {
    const env = async (tenant: string) => ({
      NODE_EXTRA_CA_CERTS: server.caFile,
      CLIENTELE_URL: server.origin,
      CLIENTELE_TOKEN: await server.token(['--tenant', tenant, '--scopes', 'Bookings.Manage.All']),
    });
    await runTestFileInChild('test/sdk/graph-client.ts', await env('graph-client-tests'));
    await runTestFileInChild('test/sdk/kiota-beta.ts', {
      ...(await env('kiota-beta-tests')),
      CLIENTELE_THROTTLED_URL: throttled.origin,
      CLIENTELE_THROTTLED_TOKEN: await throttled.token(['--scopes', 'Bookings.Read.All']),
    });
    await runTestFileInChild('test/sdk/kiota-v1.ts', await env('kiota-v1-tests'));
    // App-only sign-in through @azure/identity against the dev issuer's token endpoint.
    await runTestFileInChild('test/sdk/kiota-identity.ts', await env('kiota-identity-tests'));
  } finally {
    await throttled.stop();
  }
} finally {
  await server.stop();
}
