// What a NodeSocket or a served server tells the code that owns it (a withNodeApis scope): when it holds the owner open, and whether the owner is gone.
//
// Layer 1 (createConnection, serve…) has no owner. Under withNodeApis every socket and server made
// in a scope has the scope as owner: an open socket or a listening server keeps the scope open as
// a ref'd handle keeps a Node process alive (`unref()` lets go), and once the scope's host has
// crashed or shut down (`frozen`) nothing of them runs any more — no event, no callback — as the
// code of a dead process never runs again.
export interface ResourceOwner {
  /** True once the owner is gone: callbacks of its resources are dropped. */
  readonly frozen: boolean;
  /** `resource` is now open (ref'd); `teardown` closes it if the owner ends while it is unref'd; `connection`: a socket, not a server. */
  track(resource: object, teardown: () => void, connection?: boolean): void;
  /** `resource` has closed. */
  untrack(resource: object): void;
  /** `resource.ref()` / `unref()`. */
  setRef(resource: object, refed: boolean): void;
  /** An error when the code running now may not use the owner's resources (another simulated host), else undefined. */
  checkUse(what: string): Error | undefined;
}

/** One resource's tie to its owner (or to none): tracked from open to close, ref'd unless told otherwise. */
export class OwnerLink {
  #tracked = false;
  #refed = true;

  constructor(private readonly owner: ResourceOwner | undefined, private readonly resource: object, private readonly connection = false) {}

  /** True once the owner is gone: the resource's callbacks must be dropped. */
  get frozen(): boolean {
    return this.owner !== undefined && this.owner.frozen;
  }

  /** The resource is open: it holds its owner (unless unref'd). */
  open(teardown: () => void): void {
    if (this.#tracked || !this.owner) return;
    this.#tracked = true;
    this.owner.track(this.resource, teardown, this.connection);
    if (!this.#refed) this.owner.setRef(this.resource, false);
  }

  /** The resource has closed. */
  closed(): void {
    if (!this.#tracked) return;
    this.#tracked = false;
    this.owner!.untrack(this.resource);
  }

  setRef(refed: boolean): void {
    if (this.#refed === refed) return;
    this.#refed = refed;
    if (this.#tracked) this.owner!.setRef(this.resource, refed);
  }

  checkUse(what: string): Error | undefined {
    return this.owner?.checkUse(what);
  }
}
