// The Kiota v1.0 SDK against a real Clientele process over https (development certificate trusted through
// NODE_EXTRA_CA_CERTS): the tests themselves are in test/sdk/kiota-v1.ts.
import { runTestFileInChild, startClienteleProcess } from './helpers/sdk.js';

const server = await startClienteleProcess();
try {
  await runTestFileInChild('test/sdk/kiota-v1.ts', {
    NODE_EXTRA_CA_CERTS: server.caFile,
    CLIENTELE_URL: server.origin,
    CLIENTELE_TOKEN: await server.token(['--tenant', 'kiota-v1-tests', '--scopes', 'Bookings.Manage.All']),
  });
} finally {
  await server.stop();
}
