import { Injectable } from '@nestjs/common';

/**
 * The time the warning clock goes by. Real time, except that a test node (FED_TEST_CLOCK=1) may be
 * moved forward to watch a case turn yellow and red without waiting days. Events keep real time.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  setOffset(ms: number): void {
    this.offsetMs = ms;
  }
}
