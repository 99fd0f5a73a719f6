/**
 * Runs a reload one at a time. A request made while one runs is answered by the next run
 * (which starts after it and so sees the change that prompted the request); any number of
 * requests in the meantime share that one run.
 */
export class SerialReload {
  private current: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly reload: () => Promise<void>) {}

  request(): Promise<void> {
    if (this.next) return this.next;
    if (!this.current) return this.start();
    this.next = this.current
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.start();
      });
    return this.next;
  }

  private start(): Promise<void> {
    const run: Promise<void> = this.reload().finally(() => {
      if (this.current === run) this.current = null;
    });
    this.current = run;
    return run;
  }
}
