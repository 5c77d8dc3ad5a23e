/**
 * A shared/exclusive lock between pushes and garbage collection. Committing an upload, mounting a
 * blob and storing a manifest hold it shared (many at once); the sweep holds it exclusive, so no
 * push can check a blob exists in the moment between the sweep's last check and its delete.
 * Appending upload data takes no lock: uploads are not blobs until committed.
 */
export class GcLock {
  #shared = 0;
  #exclusive = false;
  /** Sweeps waiting: new shared holders queue behind them, so a busy registry cannot starve GC. */
  #pending = 0;
  #waiters: Array<() => void> = [];

  async shared<T>(work: () => Promise<T>): Promise<T> {
    while (this.#exclusive || this.#pending > 0) await this.#wait();
    this.#shared++;
    try {
      return await work();
    } finally {
      this.#shared--;
      this.#wake();
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.#pending++;
    while (this.#exclusive || this.#shared > 0) await this.#wait();
    this.#pending--;
    this.#exclusive = true;
    try {
      return await work();
    } finally {
      this.#exclusive = false;
      this.#wake();
    }
  }

  #wait(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
