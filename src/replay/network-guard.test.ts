import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Case } from '../model/case.js';
import type { AgentFn } from '../model/agent.js';
import { installNetworkGuard } from './network-guard.js';
import { createHostAllowlist, isLoopback } from './host-allowlist.js';
import { replayAttempt } from './replay-attempt.js';

/*
 * Blocked targets are `.invalid` names only (RFC 2606: they never resolve), and the guard stops the
 * connection before any DNS lookup. Allowed traffic goes to a real server on 127.0.0.1 started here.
 * Nothing in this file may reach beyond loopback.
 */

// Clients built before the guard goes in, as an agent module's top level builds them.
const earlyFetch = globalThis.fetch;
const earlyOpenAI = new OpenAI({ apiKey: 'sk-test-not-a-key', baseURL: 'http://api.blocked.invalid/v1', maxRetries: 0 });

let server: http.Server;
let port: number;
let uninstall: (() => void) | undefined;

beforeAll(async () => {
  server = http.createServer((req, res) => res.end(`hello ${req.headers.host}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  uninstall?.();
  uninstall = undefined;
});

function guard(allowHosts?: string[]): void {
  uninstall = installNetworkGuard(allowHosts ? { allowHosts } : {});
}

const emptyCase: Case = {
  format: 'rehearse.case',
  version: 1,
  id: 'net',
  title: 'network',
  input: null,
  timeline: [],
  outcome: { status: 'ok' },
  assertions: [],
};

async function replay(agent: AgentFn) {
  return replayAttempt({ agent, caseData: emptyCase, caseKey: 'guard/net', attempt: 1, timeoutMs: 5000 });
}

/** A DNS lookup that sends every name to 127.0.0.1: lets a test name a host without any real lookup. */
function toLoopback(_host: string, options: { all?: boolean }, callback: (error: null, address: unknown, family?: number) => void): void {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}

/** GETs a URL with node:http, resolving to the body or rejecting with the socket's error. */
function httpGet(url: string, lookupTo127 = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const options: http.RequestOptions = lookupTo127 ? { lookup: toLoopback as never } : {};
    http
      .get(url, options, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('during a replay', () => {
  test("an agent's fetch to a host that is not allowed is blocked and reported as a blocked-network divergence", async () => {
    guard();
    const run = await replay(async () => {
      const res = await fetch('http://blocked.invalid/v1/orders');
      return res.status;
    });
    expect(run.divergence).toEqual({
      kind: 'blocked-network',
      step: 0,
      target: 'blocked.invalid:80',
      message: 'step 0: network access to blocked.invalid:80 was blocked during replay (allow it with "allowHosts" in the config, or make the call a recordable tool)',
    });
    // fetch reports it as a failed request, the way a refused connection looks to the agent.
    expect(run.error).toMatchObject({ code: 'AGENT_THREW', message: 'fetch failed' });
    expect(run.output).toBeUndefined();
  });

  test('http.get is blocked the same way, even when the agent handles the error', async () => {
    guard();
    const run = await replay(async () => {
      try {
        return await httpGet('http://blocked.invalid:8080/status');
      } catch (error) {
        return `handled: ${(error as NodeJS.ErrnoException).code}`;
      }
    });
    expect(run.output).toBe('handled: EREHEARSEBLOCKED');
    expect(run.divergence).toMatchObject({ kind: 'blocked-network', target: 'blocked.invalid:8080' });
  });

  test('clients built before the guard was installed are blocked too (a captured fetch, an SDK client)', async () => {
    guard();
    const viaEarlyFetch = await replay(async () => (await earlyFetch('https://early.blocked.invalid/')).status);
    expect(viaEarlyFetch.divergence).toMatchObject({ kind: 'blocked-network', target: 'early.blocked.invalid:443' });

    const viaSdk = await replay(async () => earlyOpenAI.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }));
    expect(viaSdk.divergence).toMatchObject({ kind: 'blocked-network', target: 'api.blocked.invalid:80' });
    expect(viaSdk.error?.code).toBe('AGENT_THREW');
  });

  test('loopback is allowed: a real server on 127.0.0.1 answers fetch and http.get', async () => {
    guard();
    const run = await replay(async () => {
      const viaFetch = await (await fetch(`http://127.0.0.1:${port}/a`)).text();
      const viaHttp = await httpGet(`http://127.0.0.1:${port}/b`);
      return [viaFetch, viaHttp];
    });
    expect(run.divergence).toBeUndefined();
    expect(run.output).toEqual([`hello 127.0.0.1:${port}`, `hello 127.0.0.1:${port}`]);
  });

  test('allowHosts lets a named host through (here resolved to the loopback server, so nothing leaves the machine)', async () => {
    guard([`allowed.invalid:${port}`]);
    const run = await replay(async () => {
      const allowed = await httpGet(`http://allowed.invalid:${port}/`, true);
      const otherPort = await httpGet(`http://allowed.invalid:${port + 1 === 65536 ? 1 : port + 1}/`, true).catch((e: NodeJS.ErrnoException) => e.code);
      const otherHost = await httpGet(`http://other.invalid:${port}/`, true).catch((e: NodeJS.ErrnoException) => e.code);
      return { allowed, otherPort, otherHost };
    });
    expect(run.error).toBeUndefined();
    expect(run.output).toEqual({ allowed: `hello allowed.invalid:${port}`, otherPort: 'EREHEARSEBLOCKED', otherHost: 'EREHEARSEBLOCKED' });
    expect(run.divergence?.target).toBe(`allowed.invalid:${port === 65535 ? 1 : port + 1}`);
  });
});

describe('installNetworkGuard', () => {
  test('outside a replay a blocked connection fails with a plain error (no session to report to)', async () => {
    guard();
    const error = await fetch('http://blocked.invalid/').catch((e: Error) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).cause).toMatchObject({ code: 'EREHEARSEBLOCKED', message: 'network access to blocked.invalid:80 was blocked during replay' });
  });

  test('refuses a second install and restores the original connect when removed', async () => {
    const original = net.Socket.prototype.connect;
    guard();
    expect(net.Socket.prototype.connect).not.toBe(original);
    expect(() => installNetworkGuard()).toThrow('already installed');
    uninstall!();
    uninstall = undefined;
    expect(net.Socket.prototype.connect).toBe(original);
    // Installable again after removal.
    guard();
  });

  test('leaves unix sockets alone', async () => {
    guard();
    const dir = (await import('node:fs')).mkdtempSync((await import('node:path')).join((await import('node:os')).tmpdir(), 'rehearse-sock-'));
    const path = `${dir}/s.sock`;
    const unix = net.createServer((socket) => socket.end('over a unix socket'));
    await new Promise<void>((resolve) => unix.listen(path, resolve));
    try {
      const text = await new Promise<string>((resolve, reject) => {
        let out = '';
        net.connect(path).on('data', (d) => (out += d.toString())).on('end', () => resolve(out)).on('error', reject);
      });
      expect(text).toBe('over a unix socket');
    } finally {
      await new Promise((resolve) => unix.close(resolve));
    }
  });
});

describe('createHostAllowlist', () => {
  test('always allows loopback, in every spelling', () => {
    const allowed = createHostAllowlist();
    for (const host of ['localhost', 'LOCALHOST', 'api.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) {
      expect(allowed(host, 80), host).toBe(true);
    }
    for (const host of ['blocked.invalid', '128.0.0.1', '127.0.0.1.blocked.invalid', 'localhost.blocked.invalid', '::2']) {
      expect(allowed(host, 80), host).toBe(false);
    }
    expect(isLoopback('[::1]')).toBe(true);
  });

  test('exact names, any port; case and whitespace do not matter', () => {
    const allowed = createHostAllowlist([' API.Example.com ']);
    expect(allowed('api.example.com', 443)).toBe(true);
    expect(allowed('api.example.com')).toBe(true);
    expect(allowed('API.EXAMPLE.COM', 8443)).toBe(true);
    expect(allowed('example.com', 443)).toBe(false);
    expect(allowed('eu.api.example.com', 443)).toBe(false);
  });

  test('*.example.com allows any subdomain but not the bare domain or look-alikes', () => {
    const allowed = createHostAllowlist(['*.example.com']);
    expect(allowed('api.example.com', 443)).toBe(true);
    expect(allowed('a.b.example.com', 443)).toBe(true);
    expect(allowed('example.com', 443)).toBe(false);
    expect(allowed('badexample.com', 443)).toBe(false);
    expect(allowed('example.com.evil.invalid', 443)).toBe(false);
  });

  test('host:port allows that one port only', () => {
    const allowed = createHostAllowlist(['gateway.internal:8443', '[fd00::1]:9000']);
    expect(allowed('gateway.internal', 8443)).toBe(true);
    expect(allowed('gateway.internal', 443)).toBe(false);
    expect(allowed('gateway.internal')).toBe(false);
    expect(allowed('[fd00::1]', 9000)).toBe(false); // bracketed IPv6 entries are not supported; documented by this test
    expect(allowed('', 80)).toBe(false);
  });
});
