/**
 * npm run calendar -- import <notice-file> [--city http://127.0.0.1:3000] [--publish] [--allow-past-changes]
 *
 * Reads one year's official holiday arrangement in the notice format (docs/calendar.md), validates it,
 * shows where it differs from the provisional year the federation assumed until now, and with
 * --publish adds it to the city's official arrangement (PUT /api/v1/calendar). Exit 1 on bad input.
 */
import { readFileSync } from 'node:fs';
import { CalendarSpecError, differenceFromProvisional, parseNotice } from '@fed/calendar';

interface Official {
  years: number[];
  holidays: { name: string; from: string; to: string }[];
  makeupWorkdays: { date: string; for: string }[];
  notices: Record<string, string>;
}

const USAGE =
  'usage: npm run calendar -- import <notice-file> [--city <url>] [--publish] [--allow-past-changes]';

async function main(argv: string[]): Promise<number> {
  const [command, file, ...flags] = argv;
  if (command !== 'import' || !file) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const cityAt = flags.indexOf('--city');
  const city = (cityAt >= 0 ? flags[cityAt + 1] : undefined) ?? 'http://127.0.0.1:3000';
  let notice;
  try {
    notice = parseNotice(readFileSync(file, 'utf8'));
  } catch (e) {
    if (!(e instanceof CalendarSpecError)) throw e;
    process.stderr.write(`the notice is refused:\n${e.issues.map((i) => `  - ${i}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(
    `${notice.year}: ${notice.holidays.length} holidays, ${notice.makeupWorkdays.length} make-up working days\n` +
      `notice: ${notice.notice}\n`,
  );
  const diff = differenceFromProvisional(notice);
  process.stdout.write(
    diff.length === 0
      ? 'no difference from the provisional year (the law alone)\n'
      : `differences from the provisional year (the law alone):\n${diff
          .map(
            (d) =>
              `  ${d.date}  ${d.provisional.working ? '工作日' : `休 ${d.provisional.name ?? '周末'}`}` +
              `  →  ${d.official.working ? `上班 ${d.official.name ?? ''}` : `休 ${d.official.name ?? '周末'}`}`,
          )
          .join('\n')}\n`,
  );
  if (!flags.includes('--publish')) {
    process.stdout.write('not published (add --publish to publish it at the city)\n');
    return 0;
  }
  const current = await fetch(`${city}/api/v1/calendar/official`);
  if (!current.ok) {
    process.stderr.write(`the city at ${city} answered ${current.status}: ${await current.text()}\n`);
    return 1;
  }
  const official = (await current.json()) as Official;
  const inYear = (d: string) => d.startsWith(`${notice.year}-`);
  // The notice replaces whatever the arrangement held for its year.
  const body: Official = {
    years: [...official.years.filter((y) => y !== notice.year), notice.year].sort((a, b) => a - b),
    holidays: [...official.holidays.filter((h) => !inYear(h.from)), ...notice.holidays],
    makeupWorkdays: [...official.makeupWorkdays.filter((m) => !inYear(m.date)), ...notice.makeupWorkdays],
    notices: { ...official.notices, [String(notice.year)]: notice.notice },
  };
  const query = flags.includes('--allow-past-changes') ? '?allowPastChanges=true' : '';
  const res = await fetch(`${city}/api/v1/calendar${query}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as {
    version?: number;
    unchanged?: boolean;
    changedDays?: unknown[];
    message?: string;
  };
  if (!res.ok) {
    process.stderr.write(`refused (${res.status}): ${answer.message ?? JSON.stringify(answer)}\n`);
    return 1;
  }
  process.stdout.write(
    answer.unchanged
      ? `already published (version ${answer.version}): nothing changed\n`
      : `published as version ${answer.version}: ${answer.changedDays?.length ?? 0} day(s) change\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  },
);
