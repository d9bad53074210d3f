/** A wait that ends on notify(), after a timeout, or at close(), whichever is first. */
export class Wakeup {
  private waiters: Array<() => void> = [];
  private closed = false;

  wait(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this.waiters;
      function done(): void {
        clearTimeout(timer);
        const i = self.indexOf(done);
        if (i >= 0) self.splice(i, 1);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }
}
