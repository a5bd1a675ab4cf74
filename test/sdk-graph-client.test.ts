// @microsoft/microsoft-graph-client v3 against a real Clientele process over https (development certificate
// trusted through NODE_EXTRA_CA_CERTS): the tests themselves are in test/sdk/graph-client.ts.
import { runTestFileInChild, startClienteleProcess } from './helpers/sdk.js';

const server = await startClienteleProcess();
try {
  await runTestFileInChild('test/sdk/graph-client.ts', {
    NODE_EXTRA_CA_CERTS: server.caFile,
    CLIENTELE_URL: server.origin,
    CLIENTELE_TOKEN: await server.token(['--tenant', 'graph-client-tests', '--scopes', 'Bookings.Manage.All']),
  });
} finally {
  await server.stop();
}
