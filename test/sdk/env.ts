// What test/sdk-clients.test.ts (through test/helpers/sdk.ts) hands an SDK test file: the server and a token for it.
export interface SdkEnv {
  /** https://localhost:port of a Clientele process. */
  origin: string;
  /** A dev-issuer token for it. */
  token: string;
  /** A second Clientele process that throttles (Kiota tests only), and a token for it. */
  throttledOrigin?: string;
  throttledToken?: string;
}

export function sdkEnv(): SdkEnv {
  const origin = process.env.CLIENTELE_URL;
  const token = process.env.CLIENTELE_TOKEN;
  if (!origin || !token) throw new Error('run this file through its test/sdk-*.test.ts: CLIENTELE_URL and CLIENTELE_TOKEN are not set');
  return {
    origin,
    token,
    throttledOrigin: process.env.CLIENTELE_THROTTLED_URL,
    throttledToken: process.env.CLIENTELE_THROTTLED_TOKEN,
  };
}
