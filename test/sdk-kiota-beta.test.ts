// The Kiota beta SDK against real Clientele processes over https (development certificate trusted through
// NODE_EXTRA_CA_CERTS): one server as usual, one that throttles to 1 request/s with bursts of 2. The tests
// themselves are in test/sdk/kiota-beta.ts.
import { runTestFileInChild, startClienteleProcess } from './helpers/sdk.js';

const server = await startClienteleProcess();
try {
  const throttled = await startClienteleProcess({ args: ['--throttle', '1:2'], certificateOf: server });
  try {
    await runTestFileInChild('test/sdk/kiota-beta.ts', {
      NODE_EXTRA_CA_CERTS: server.caFile,
      CLIENTELE_URL: server.origin,
      CLIENTELE_TOKEN: await server.token(['--tenant', 'kiota-beta-tests', '--scopes', 'Bookings.Manage.All']),
      CLIENTELE_THROTTLED_URL: throttled.origin,
      CLIENTELE_THROTTLED_TOKEN: await throttled.token(['--scopes', 'Bookings.Read.All']),
    });
  } finally {
    await throttled.stop();
  }
} finally {
  await server.stop();
}
