import net from 'node:net';
import { currentInterceptor } from './scope.js';
import { createHostAllowlist } from './host-allowlist.js';

/** An interceptor that wants to hear about blocked connections (a replay session does). */
interface NetworkAware {
  blockNetwork(target: string): Error;
}

export interface NetworkGuardOptions {
  allowHosts?: readonly string[];
}

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;

const GUARD_KEY = Symbol.for('rehearse.network-guard.v1');

/**
 * Blocks outbound TCP from this thread except to loopback and allowed hosts, for as long as it is installed.
 *
 * It patches `net.Socket.prototype.connect`, the one place every client ends up: `fetch` (undici, including
 * clients such as `openai` that captured `fetch` before the guard went in), `http`/`https`, `tls`, database
 * drivers. A blocked connection fails with an error on the socket, as a refused connection would, and the
 * replay session that made it records a `blocked-network` divergence. Unix sockets and IPC are not touched.
 *
 * @returns a function that removes the guard.
 */
export function installNetworkGuard(options: NetworkGuardOptions = {}): () => void {
  const proto = net.Socket.prototype as unknown as { connect: Connect; [GUARD_KEY]?: boolean };
  if (proto[GUARD_KEY]) throw new Error('the network guard is already installed in this thread');
  const allowed = createHostAllowlist(options.allowHosts);
  const original = proto.connect;
  proto[GUARD_KEY] = true;
  proto.connect = function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    const target = connectTarget(args);
    if (target === undefined || allowed(target.host, target.port)) return original.apply(this, args);
    const where = `${target.host}:${target.port ?? ''}`;
    const interceptor = currentInterceptor() as Partial<NetworkAware> | undefined;
    const error =
      typeof interceptor?.blockNetwork === 'function'
        ? interceptor.blockNetwork(where)
        : new Error(`network access to ${where} was blocked during replay`);
    Object.assign(error, { code: 'EREHEARSEBLOCKED' });
    // Fail the way a refused connection does: asynchronously, through the socket's 'error' event.
    process.nextTick(() => this.destroy(error));
    return this;
  };
  return () => {
    proto.connect = original;
    delete proto[GUARD_KEY];
  };
}

/** Reads host and port out of the many call shapes of `socket.connect` (Node normalizes to `[options, cb]`). */
function connectTarget(args: unknown[]): { host: string; port?: number } | undefined {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (first !== null && typeof first === 'object') {
    const o = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof o.path === 'string' && o.host === undefined) return undefined; // unix socket / named pipe
    const port = o.port === undefined ? undefined : Number(o.port);
    return { host: typeof o.host === 'string' ? o.host : 'localhost', ...(port !== undefined && { port }) };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) };
  }
  return undefined; // a path string: unix socket
}
