// PatchSet: properties of Node's module objects and globals replaced while a scope is live, and put back exactly as they were.
import module from 'node:module';

interface Saved {
  target: object;
  key: PropertyKey;
  /** The own property as it was, or undefined when there was none. */
  before: PropertyDescriptor | undefined;
}

export class PatchSet {
  private readonly saved: Saved[] = [];

  /** Replaces `target[key]` with `value` (a data property, keeping the original's enumerability). */
  set(target: object, key: PropertyKey, value: unknown): void {
    const before = Object.getOwnPropertyDescriptor(target, key);
    this.saved.push({ target, key, before });
    Object.defineProperty(target, key, {
      value,
      writable: true,
      configurable: true,
      enumerable: before?.enumerable ?? false,
    });
  }

  /** Defines `target[key]` as given (an accessor, say). */
  define(target: object, key: PropertyKey, descriptor: PropertyDescriptor): void {
    const before = Object.getOwnPropertyDescriptor(target, key);
    this.saved.push({ target, key, before });
    Object.defineProperty(target, key, { configurable: true, ...descriptor });
  }

  /** Makes `import { x } from 'node:…'` bindings follow the module objects (both ways). */
  sync(): void {
    module.syncBuiltinESMExports();
  }

  /** Puts every property back, last patched first. */
  restore(): void {
    for (let i = this.saved.length - 1; i >= 0; i--) {
      const { target, key, before } = this.saved[i]!;
      if (before) Object.defineProperty(target, key, before);
      else delete (target as Record<PropertyKey, unknown>)[key];
    }
    this.saved.length = 0;
    this.sync();
  }
}
