export interface MicroBatcherOptions<T> {
  /** Most weight one flush carries (it always carries at least one item); default 500. */
  maxWeight?: number;
  /** Weight of an item (e.g. how many rows it holds); default 1. */
  weight?: (item: T) => number;
  /**
   * When a flush of several items fails, flush each of them alone, so that only the callers whose
   * own item fails get an error; otherwise every caller of the failed flush gets it. A function
   * decides by the flush's error: false for an error that says nothing about any one item and may
   * have left the flush done (a connection lost around a commit), where a flush alone would repeat
   * what may be stored already.
   */
  retryAlone?: boolean | ((error: unknown) => boolean);
}

/**
 * Groups calls made while a flush is in flight into one flush (group commit): under load many
 * requests share one database round trip and one commit. The first flush waits for the end of the
 * event loop's turn (setImmediate), so calls made in the same turn (the partitions of one Kafka
 * fetch, requests read from several sockets at once) share it too, rather than the first going alone
 * and the rest waiting for it; alone, a call is flushed with no other delay.
 * Every caller gets the outcome of the flush that carried its item.
 */
export class MicroBatcher<T> {
  private queue: { item: T; weight: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;
  private readonly maxWeight: number;
  private readonly weight: (item: T) => number;
  private readonly retryAlone: (error: unknown) => boolean;

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    options: MicroBatcherOptions<T> = {},
  ) {
    this.maxWeight = options.maxWeight ?? 500;
    this.weight = options.weight ?? (() => 1);
    const retryAlone = options.retryAlone ?? false;
    this.retryAlone = typeof retryAlone === 'function' ? retryAlone : () => retryAlone;
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const weight = this.weight(item);
      if (!(weight >= 0)) throw new RangeError(`an item's weight must be a number ≥ 0, not ${weight}`);
      this.queue.push({ item, weight, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.take();
        try {
          await this.flush(batch.map((b) => b.item));
          for (const b of batch) b.resolve();
        } catch (e) {
          if (batch.length === 1 || !this.retryAlone(e)) {
            for (const b of batch) b.reject(e);
            continue;
          }
          for (const b of batch) {
            try {
              await this.flush([b.item]);
              b.resolve();
            } catch (alone) {
              b.reject(alone);
            }
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The oldest queued items up to the weight limit, at least one. */
  private take(): typeof this.queue {
    let weight = this.queue[0].weight;
    let n = 1;
    while (n < this.queue.length) {
      const next = this.queue[n].weight;
      if (weight + next > this.maxWeight) break;
      weight += next;
      n++;
    }
    return this.queue.splice(0, n);
  }
}
