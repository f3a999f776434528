// The part of lunar-javascript (6tail) the provisional calendar uses: lunar dates and solar terms.
declare module 'lunar-javascript' {
  export class Solar {
    static fromYmd(year: number, month: number, day: number): Solar;
    getYear(): number;
    getMonth(): number;
    getDay(): number;
    next(days: number): Solar;
    toYmd(): string;
    getLunar(): Lunar;
  }
  export class Lunar {
    static fromYmd(year: number, month: number, day: number): Lunar;
    getSolar(): Solar;
    getJieQiTable(): Record<string, Solar>;
  }
}
