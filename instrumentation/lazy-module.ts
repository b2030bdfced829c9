/**
 * A module loaded once, off the preload's path: what only a faulted call needs (fault sockets, undici's
 * fault delivery). `instrument()` starts loading it right after start-up, so by the first request it is
 * in and every fault is delivered the same way (an error's stack does not depend on whether the fault was
 * the process's first).
 */
export class LazyModule<T> {
  private loaded?: T;
  private loading?: Promise<T>;
  private readonly importer: () => Promise<T>;

  constructor(importer: () => Promise<T>) {
    this.importer = importer;
  }

  load(): Promise<T> {
    return (this.loading ??= this.importer().then((m) => (this.loaded = m)));
  }

  /** Runs `use` with the module: synchronously once loaded (the usual case), else once it is. */
  use(use: (m: T) => void, failed: () => void): void {
    if (this.loaded) return use(this.loaded);
    this.load().then(use, failed);
  }
}
