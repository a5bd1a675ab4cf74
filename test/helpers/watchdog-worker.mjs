// The watchdog's thread (see watchdog.mjs): at the deadline, pauses the main thread through the inspector
// and writes where it stands.
import { writeSync } from 'node:fs';
import { Session } from 'node:inspector';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';

const { deadline, fd, parent } = workerData;
const MAX_FRAMES = 25;

function report(value) {
  try {
    writeSync(fd, JSON.stringify(value) + '\n');
  } catch {
    // The runner is gone.
  }
}

/** A `data:` source map URL (what tsx inlines), decoded. */
function sourceMapOf(url) {
  if (!url?.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  const header = url.slice(0, comma);
  const body = url.slice(comma + 1);
  try {
    const json = header.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
    return new SourceMap(JSON.parse(json));
  } catch {
    return undefined;
  }
}

const shortPath = (url) => {
  let path = url;
  if (url.startsWith('file:')) {
    try {
      path = fileURLToPath(url);
    } catch {}
  }
  const cwd = process.cwd() + '/';
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
};

async function inspect() {
  const session = new Session();
  session.connectToMainThread();
  const post = (method, params) =>
    new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
  const scripts = new Map();
  session.on('Debugger.scriptParsed', ({ params }) => scripts.set(params.scriptId, params));
  const paused = new Promise((resolve) => session.once('Debugger.paused', ({ params }) => resolve(params)));
  await post('Debugger.enable');
  await post('Debugger.pause');
  const params = await Promise.race([paused, new Promise((resolve) => setTimeout(resolve, 3000, undefined))]);
  // Paused with none of the test's own code on the stack: the thread was idle, and only the inspector's own
  // message handling ran.
  const own = params?.callFrames.some((f) => !(f.url || scripts.get(f.location.scriptId)?.url || 'node:').startsWith('node:'));
  if (params && own) {
    const maps = new Map();
    const frames = params.callFrames.map((frame) => {
      const script = scripts.get(frame.location.scriptId);
      const url = frame.url || script?.url || '';
      let where = `${shortPath(url)}:${frame.location.lineNumber + 1}:${(frame.location.columnNumber ?? 0) + 1}`;
      if (script?.sourceMapURL) {
        if (!maps.has(script.scriptId)) maps.set(script.scriptId, sourceMapOf(script.sourceMapURL));
        const entry = maps.get(script.scriptId)?.findEntry(frame.location.lineNumber, frame.location.columnNumber ?? 0);
        if (entry?.originalSource) where = `${shortPath(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
      }
      return `${frame.functionName || '<anonymous>'} (${where})`;
    });
    // Recursion folded (`× n`); past the first frames, only the test's own code and what leads to it.
    const folded = [];
    for (const f of frames) {
      const last = folded.at(-1);
      if (last?.frame === f) last.count++;
      else folded.push({ frame: f, count: 1 });
    }
    const lines = folded.map(({ frame, count }) => (count > 1 ? `${frame} × ${count}` : frame));
    const isOwn = (line) => !/\(node:/.test(line);
    const stack = lines.length <= MAX_FRAMES ? lines : [...lines.slice(0, 12), '…', ...lines.slice(12).filter(isOwn).slice(0, MAX_FRAMES - 13)];
    report({ busy: true, stack });
    return;
  }
  // Not running JavaScript: the main thread waits, on these.
  if (params) await post('Debugger.resume');
  await post('Debugger.disable');
  const result = await Promise.race([
    post('Runtime.evaluate', { expression: 'JSON.stringify(process.getActiveResourcesInfo())', returnByValue: true }),
    new Promise((resolve) => setTimeout(resolve, 2000, undefined)),
  ]);
  let resources;
  try {
    resources = JSON.parse(result?.result?.value);
  } catch {}
  report({ busy: false, resources });
}

setTimeout(() => {
  // An inspector session's pending replies keep no thread alive: this does, until the report is out.
  const alive = setInterval(() => {}, 1000);
  inspect()
    .catch((err) => report({ error: String(err?.stack ?? err) }))
    .finally(() => clearInterval(alive));
}, Math.max(0, deadline - Date.now()));

// The runner gone (this process handed to another parent): end this process group, as the runner would have.
if (parent > 0) {
  setInterval(() => {
    if (process.ppid === parent) return;
    try {
      process.kill(-process.pid, 'SIGKILL');
    } catch {
      process.kill(process.pid, 'SIGKILL');
    }
  }, 1000).unref();
}
