#!/usr/bin/env node
// Integration test: drive the official Daytona TypeScript SDK (@daytonaio/sdk, pinned in
// package.json) against a running vaporwatch-sandboxd.
//
// Environment:
//   VW_SANDBOXD_URL    sandboxd base URL, e.g. http://127.0.0.1:8123 (the Daytona API is
//                      expected under <base>/api; a URL that already ends in /api is used as is)
//   VW_SANDBOXD_TOKEN  bearer token sandboxd accepts (passed to the SDK as apiKey)
//   VW_SANDBOX_NAME    name (or id) of a sandbox that exists and is started
// Optional:
//   VW_SDK_TEST_TIMEOUT_MS  overall deadline, default 60000
//   VW_SDK_TEST_PORT        port used for the preview-link step, default 3000
//
// Prints one line per step, then "sdk_test: N passed, M failed". Exit 0 on success,
// 1 on a failed step or the overall timeout, 2 on bad usage.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

const TOTAL_TIMEOUT_MS = Number(process.env.VW_SDK_TEST_TIMEOUT_MS || 60_000);
const STEP_TIMEOUT_MS = 20_000;
const PREVIEW_PORT = Number(process.env.VW_SDK_TEST_PORT || 3000);

let passed = 0;
let failed = 0;
let stepNo = 0;

function finish(code) {
  console.log(`sdk_test: ${passed} passed, ${failed} failed`);
  // Exit explicitly: nothing the SDK may have left open (sockets, timers) can keep us alive.
  process.exit(code);
}

function usage(msg) {
  console.error(`sdk_test: ${msg}`);
  console.error('usage: VW_SANDBOXD_URL=http://127.0.0.1:PORT VW_SANDBOXD_TOKEN=... VW_SANDBOX_NAME=... node sdk_test.mjs');
  process.exit(2);
}

const baseUrl = (process.env.VW_SANDBOXD_URL || '').trim().replace(/\/+$/, '');
const token = process.env.VW_SANDBOXD_TOKEN || '';
const sandboxName = process.env.VW_SANDBOX_NAME || '';
if (!baseUrl) usage('VW_SANDBOXD_URL is not set');
if (!token) usage('VW_SANDBOXD_TOKEN is not set');
if (!sandboxName) usage('VW_SANDBOX_NAME is not set');
let parsedBase;
try {
  parsedBase = new URL(baseUrl);
} catch {
  usage(`VW_SANDBOXD_URL is not a URL: ${baseUrl}`);
}
if (parsedBase.protocol !== 'http:' && parsedBase.protocol !== 'https:') usage('VW_SANDBOXD_URL must be http(s)');
const apiUrl = /\/api$/.test(parsedBase.pathname.replace(/\/+$/, '')) ? baseUrl : `${baseUrl}/api`;

// Keep the run hermetic. The SDK reads DAYTONA_* variables even when configured explicitly
// (e.g. DAYTONA_OTEL_ENABLED would start an OTLP exporter), decides its "runtime" from
// serverless markers at import time (which changes how the log WebSocket authenticates), and
// axios honours HTTP(S)_PROXY. None of that may leak in from the caller's environment.
for (const k of Object.keys(process.env)) {
  if (k.startsWith('DAYTONA_') || k.startsWith('OTEL_') || /^(https?|all)_proxy$/i.test(k)) delete process.env[k];
}
for (const k of ['SITE_NAME', 'VERCEL', 'CF_PAGES', 'AWS_EXECUTION_ENV', 'LAMBDA_TASK_ROOT', 'AWS_SAM_LOCAL',
  'FUNCTIONS_WORKER_RUNTIME', 'FUNCTION_TARGET', 'FUNCTION_SIGNATURE_TYPE']) {
  delete process.env[k];
}
process.env.NO_PROXY = '*';
process.env.no_proxy = '*';

let cleanup = async () => {};
const overall = setTimeout(async () => {
  console.log(`not ok - overall timeout: the test did not finish within ${TOTAL_TIMEOUT_MS} ms`);
  failed++;
  try {
    await withTimeout(cleanup(), 3_000, 'cleanup');
  } catch {
    /* best effort */
  }
  finish(1);
}, TOTAL_TIMEOUT_MS);

function withTimeout(promise, ms, what) {
  let t;
  const timeout = new Promise((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${typeof what === 'function' ? what() : what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(t));
}

function describeError(e) {
  // The SDK's log stream rejects with a ws ErrorEvent (not an Error) on handshake failures.
  if (!e || typeof e.message !== 'string') return String(e);
  const bits = [`${e.name || e.constructor?.name || 'Error'}: ${e.message}`];
  if (e.statusCode !== undefined) bits.push(`status=${e.statusCode}`);
  if (e.code !== undefined) bits.push(`code=${e.code}`);
  return bits.join(' ');
}

// Runs one step; on failure prints the reason, tries cleanup, and exits non-zero.
async function step(name, fn) {
  stepNo++;
  try {
    const detail = await withTimeout(Promise.resolve().then(fn), STEP_TIMEOUT_MS, name);
    passed++;
    console.log(`ok ${stepNo} - ${name}${detail ? ` (${detail})` : ''}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${stepNo} - ${name}: ${describeError(e)}`);
    try {
      await withTimeout(cleanup(), 5_000, 'cleanup');
    } catch {
      /* best effort */
    }
    clearTimeout(overall);
    finish(1);
  }
}

const stripMarkers = (s) => s.replace(/\x01\x01\x01|\x02\x02\x02/g, '');
const sortedLines = (s) => s.split('\n').filter((l) => l !== '').sort();

// Import after the environment is scrubbed: the SDK computes its runtime at module load.
const { Daytona, DaytonaNotFoundError } = await import('@daytonaio/sdk');

const daytona = new Daytona({
  apiKey: token,
  apiUrl,
  target: 'local',
  // Without this the SDK opens a socket.io connection to <apiUrl>/socket.io/ for sandbox
  // state events and keeps retrying it for minutes if the server does not speak socket.io.
  useDeprecatedPolling: true,
  otelEnabled: false,
});

let sandbox;
const sessionId = `vw-sdk-test-${Date.now()}-${randomBytes(3).toString('hex')}`;
let sessionCreated = false;
cleanup = async () => {
  if (sessionCreated) await sandbox.process.deleteSession(sessionId);
};

// Interleaved stdout/stderr lines, then exit status 3. "(exit 3)" rather than a bare "exit 3":
// in a real Daytona session every command is run inside one long-lived shell, where "exit"
// would terminate the session shell itself.
const ASYNC_CMD = 'for i in 1 2 3; do echo out$i; echo err$i >&2; sleep 0.2; done; (exit 3)';
const WANT_STDOUT = 'out1\nout2\nout3\n';
const WANT_STDERR = 'err1\nerr2\nerr3\n';
let cmdId;

console.log(`sdk_test: api=${apiUrl} sandbox=${sandboxName} session=${sessionId}`);

await step('daytona.get() returns the sandbox', async () => {
  sandbox = await daytona.get(sandboxName);
  assert.ok(sandbox, 'daytona.get returned nothing');
  assert.equal(typeof sandbox.id, 'string', 'sandbox.id must be a string');
  assert.ok(sandbox.id.length > 0, 'sandbox.id is empty');
  assert.ok(sandbox.id === sandboxName || sandbox.name === sandboxName,
    `sandbox matches neither by id nor by name: id=${sandbox.id} name=${sandbox.name}`);
  assert.ok(sandbox.toolboxProxyUrl, 'sandbox.toolboxProxyUrl is empty');
  return `id=${sandbox.id} state=${sandbox.state} toolbox=${sandbox.toolboxProxyUrl}`;
});

await step('process.createSession()', async () => {
  await sandbox.process.createSession(sessionId);
  sessionCreated = true;
});

await step('process.executeSessionCommand() runAsync', async () => {
  const r = await sandbox.process.executeSessionCommand(sessionId, { command: ASYNC_CMD, runAsync: true });
  assert.equal(typeof r.cmdId, 'string', `response has no cmdId: ${JSON.stringify(r)}`);
  assert.ok(r.cmdId.length > 0, 'cmdId is empty');
  cmdId = r.cmdId;
  return `cmdId=${cmdId}`;
});

await step('process.getSessionCommandLogs() streams stdout and stderr to separate callbacks', async () => {
  let out = '';
  let err = '';
  await withTimeout(
    sandbox.process.getSessionCommandLogs(sessionId, cmdId, (c) => (out += c), (c) => (err += c)),
    15_000,
    () => `log WebSocket not closed by the server (got stdout=${JSON.stringify(out)} stderr=${JSON.stringify(err)} so far); ` +
      'it must close once the command has exited and all output was sent',
  );
  assert.equal(out, WANT_STDOUT, 'stdout callback received wrong data');
  assert.equal(err, WANT_STDERR, 'stderr callback received wrong data');
  return 'stream closed by server';
});

await step('process.getSessionCommand() reports exit code 3', async () => {
  // The follow stream ends only once the exit code is known, so it must be there now;
  // allow a short grace period anyway and report how long it took.
  const start = Date.now();
  let cmd;
  for (;;) {
    cmd = await sandbox.process.getSessionCommand(sessionId, cmdId);
    if (cmd.exitCode !== undefined && cmd.exitCode !== null) break;
    if (Date.now() - start > 5_000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(cmd.id, cmdId, 'command id mismatch');
  assert.equal(cmd.command, ASYNC_CMD, 'command text mismatch');
  assert.equal(cmd.exitCode, 3, `exitCode is ${cmd.exitCode}`);
  return `exitCode=${cmd.exitCode} after ${Date.now() - start} ms`;
});

await step('process.getSessionCommandLogs() without callbacks returns the full log', async () => {
  const logs = await sandbox.process.getSessionCommandLogs(sessionId, cmdId);
  assert.equal(logs.stdout, WANT_STDOUT, 'stdout mismatch');
  assert.equal(logs.stderr, WANT_STDERR, 'stderr mismatch');
  assert.deepEqual(sortedLines(stripMarkers(logs.output)), sortedLines(WANT_STDOUT + WANT_STDERR),
    `output does not hold the six lines: ${JSON.stringify(logs.output)}`);
});

await step('session keeps shell state (cd, export) between commands', async () => {
  const first = await sandbox.process.executeSessionCommand(
    sessionId,
    { command: 'VW_SDK_DIR=$(mktemp -d) && cd "$VW_SDK_DIR" && export VW_SDK_DIR VW_SDK_VAR=hello42' },
    15,
  );
  assert.equal(first.exitCode, 0, `setup command failed: ${JSON.stringify(first)}`);
  const second = await sandbox.process.executeSessionCommand(
    sessionId,
    { command: 'pwd; echo "$VW_SDK_DIR"; echo "$VW_SDK_VAR"; echo to-stderr >&2; cd / && rm -rf "$VW_SDK_DIR"' },
    15,
  );
  assert.equal(second.exitCode, 0, `check command failed: ${JSON.stringify(second)}`);
  const lines = second.stdout.split('\n');
  assert.equal(lines.length, 4, `unexpected stdout: ${JSON.stringify(second.stdout)}`);
  assert.ok(lines[1].length > 1, `exported VW_SDK_DIR not visible: ${JSON.stringify(second.stdout)}`);
  assert.equal(lines[0], lines[1], `cd did not persist: pwd=${lines[0]} dir=${lines[1]}`);
  assert.equal(lines[2], 'hello42', `export did not persist: ${JSON.stringify(second.stdout)}`);
  assert.equal(second.stderr, 'to-stderr\n', `sync exec stderr mismatch: ${JSON.stringify(second.stderr)}`);
  return `cwd=${lines[0]}`;
});

await step('process.executeCommand() one-shot with cwd and env', async () => {
  const r = await sandbox.process.executeCommand('echo "$VW_ONESHOT"; pwd', '/', { VW_ONESHOT: 'oneshot-ok' }, 10);
  assert.equal(r.exitCode, 0, `exitCode is ${r.exitCode}`);
  assert.equal(r.result, 'oneshot-ok\n/\n', `result is ${JSON.stringify(r.result)}`);
});

await step('process.executeCommand() reports a non-zero exit code', async () => {
  const r = await sandbox.process.executeCommand('echo failing; exit 5', undefined, undefined, 10);
  assert.equal(r.exitCode, 5, `exitCode is ${r.exitCode}`);
  assert.match(r.result, /failing/, `result is ${JSON.stringify(r.result)}`);
});

await step(`sandbox.getPreviewLink(${PREVIEW_PORT})`, async () => {
  const link = await sandbox.getPreviewLink(PREVIEW_PORT);
  assert.equal(typeof link.url, 'string', `no url: ${JSON.stringify(link)}`);
  assert.ok(link.url.length > 0, 'url is empty');
  assert.doesNotThrow(() => new URL(link.url), `url is not absolute: ${link.url}`);
  assert.equal(typeof link.token, 'string', `no token: ${JSON.stringify(link)}`);
  assert.ok(link.token.length > 0, 'token is empty');
  return `url=${link.url}`;
});

await step('process.deleteSession()', async () => {
  await sandbox.process.deleteSession(sessionId);
  sessionCreated = false;
  await assert.rejects(
    sandbox.process.getSessionCommand(sessionId, cmdId),
    (e) => e instanceof DaytonaNotFoundError || e?.statusCode === 404,
    'the deleted session still answers (expected 404)',
  );
});

clearTimeout(overall);
finish(0);
