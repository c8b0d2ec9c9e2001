// NativeResources: node:net's own sockets and servers that a compat layer handed out over a NodeNet (withNodeApis on this runtime), closed with it.
//
// A socket or server is adopted once its connect() or listen() has been called, and stays adopted
// until it has closed for good: one that connects again from its own 'close' or 'error' listener, or a
// server that listens again, stays. A server's accepted sockets are adopted as they come. The compat
// layer releases what failed before it opened (a listen that got EADDRINUSE never emits 'close').
// What the NodeNet opens itself (inside `own()`: code inside a withNodeApis scope called the Net
// directly) is one of its Connections or Listeners: followed to its close, for the compat layer's
// `onRelease`, but neither counted nor closed here.
import { Server, type Socket } from 'node:net';
import type { NativeNet, NativeResource } from '@runtime-traits/core';

/** How long close() waits for one resource's 'close' (a server still draining connections it accepted before it was adopted). */
const CLOSE_WAIT_MS = 2000;

type Resource = Socket | Server;

/** Connecting or open again (a socket), listening again (a server): its last 'close' was not its end. */
function isLive(resource: Resource): boolean {
  return resource instanceof Server ? resource.listening : resource.connecting || !resource.destroyed;
}

/** Resolves once `resource` has emitted 'close', or after CLOSE_WAIT_MS. */
function closedOrLater(resource: Resource): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, CLOSE_WAIT_MS).unref();
    resource.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** One adopted resource: what takes this object's listeners off it again, and whose it is. */
interface Held {
  undo(): void;
  onRelease: (() => void) | undefined;
  /** Opened by the NodeNet itself (one of its Connections or Listeners): it closes it, and it is not counted. */
  own: boolean;
}

export class NativeResources implements NativeNet {
  private readonly held = new Map<Resource, Held>();
  /** > 0 while the NodeNet itself connects or listens. */
  private ownCalls = 0;
  private ownHeld = 0;
  private shutDown = false;

  /** True once close() was called: nothing more is adopted. */
  get closed(): boolean {
    return this.shutDown;
  }

  /** How many are adopted now (the NodeNet's own not counted). */
  get size(): number {
    return this.held.size - this.ownHeld;
  }

  /** Runs `fn`, the NodeNet's own connect or listen: what it opens is followed to its close, but not closed here. */
  own<T>(fn: () => T): T {
    this.ownCalls++;
    try {
      return fn();
    } finally {
      this.ownCalls--;
    }
  }

  adopt(resource: NativeResource, onRelease?: () => void): boolean {
    if (this.shutDown) return false;
    const r = resource as Resource;
    if (this.held.has(r)) return true;
    const own = this.ownCalls > 0;
    const onClose = (): void => {
      if (isLive(r)) r.prependOnceListener('close', onClose); // connecting or listening again from a 'close' or 'error' listener
      else this.release(r);
    };
    const onConnection = (socket: Socket): void => {
      if (!this.adopt(socket)) socket.destroy();
    };
    // First in line: a user's 'close' listener that throws must not keep the resource adopted.
    r.prependOnceListener('close', onClose);
    const wired = r instanceof Server && !own; // (the NodeNet's own server hands its sockets to its Listener)
    if (wired) r.on('connection', onConnection);
    this.held.set(r, {
      undo: () => {
        r.off('close', onClose);
        if (wired) r.off('connection', onConnection);
      },
      onRelease,
      own,
    });
    if (own) this.ownHeld++;
    return true;
  }

  release(resource: NativeResource): void {
    const held = this.held.get(resource as Resource);
    if (held === undefined) return;
    this.held.delete(resource as Resource);
    if (held.own) this.ownHeld--;
    held.undo();
    held.onRelease?.();
  }

  /** Closes everything adopted (sockets destroyed, servers closed): one promise per resource, settled once it has closed. */
  close(): Array<Promise<void>> {
    this.shutDown = true;
    const waits: Array<Promise<void>> = [];
    for (const [r, { own }] of [...this.held]) {
      if (own) continue; // the NodeNet closes its own Connections and Listeners
      if (!(r instanceof Server) && r.closed) { // closed already, its 'close' handled by nobody (listeners removed)
        this.release(r);
        continue;
      }
      waits.push(closedOrLater(r));
      if (r instanceof Server) r.close(); // 'close' once its accepted sockets (adopted too, destroyed here) are gone
      else r.destroy();
    }
    return waits;
  }
}
