import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ListItemsQuery } from './catalog.dto';

/** The query as Nest's ValidationPipe (transform: true) makes it from the query string. */
function read(query: Record<string, unknown>): { value?: boolean; errors: string[] } {
  const dto = plainToInstance(ListItemsQuery, query);
  const errors = validateSync(dto).flatMap((e) => Object.values(e.constraints ?? {}));
  return errors.length ? { errors } : { value: dto.includeWithdrawn, errors };
}

describe('ListItemsQuery.includeWithdrawn', () => {
  it.each([
    ['absent', false, {}],
    ['true', true, { includeWithdrawn: 'true' }],
    ['false', false, { includeWithdrawn: 'false' }],
  ])('%s reads as %s', (_what, value, query) => {
    expect(read(query)).toEqual({ value, errors: [] });
  });

  it.each([['yes'], ['1'], ['TRUE'], ['']])('%j is refused, not read as false', (sent) => {
    expect(read({ includeWithdrawn: sent }).errors).toEqual(['includeWithdrawn must be true or false']);
  });
});
