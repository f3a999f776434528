import { Inject, Injectable } from '@nestjs/common';
import { NODE_CONFIG, NodeConfig } from '@fed/platform';

/**
 * The node's time: when events happen (filing, actions, publications), the day deadlines and
 * statistics are counted from, the warning clock. Real time, except on a test node (FED_TEST_CLOCK=1):
 * it may start at a pinned instant (FED_TEST_NOW) so that "today" does not depend on the day the
 * tests run, and a test may move it on to watch a case turn yellow and red without waiting days.
 */
@Injectable()
export class Clock {
  /** FED_TEST_NOW minus the real time at start: the pinned start, running on. */
  private readonly baseMs: number;
  private offsetMs = 0;

  constructor(@Inject(NODE_CONFIG) config: NodeConfig) {
    const pinned = config.warning.testNow;
    this.baseMs = pinned ? pinned.getTime() - Date.now() : 0;
  }

  now(): Date {
    return new Date(Date.now() + this.baseMs + this.offsetMs);
  }

  /** How far the test moved the clock past its start. */
  get offset(): number {
    return this.offsetMs;
  }

  setOffset(ms: number): void {
    this.offsetMs = ms;
  }

  /** Moves the clock to `at` (a test node only: the controller checks). */
  setNow(at: Date): void {
    this.offsetMs = at.getTime() - Date.now() - this.baseMs;
  }
}
