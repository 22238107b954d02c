import { expect } from 'chai';
import { ApiError } from '../kit/api-error.js';
import { rangeBound } from './query-time.js';

describe('gateway: date range bounds in a query', () => {
  const day = Date.parse('2026-12-04T00:00:00Z');

  it('takes a date as the whole day: from its start, to (exclusive) the next day', () => {
    expect(rangeBound('2026-12-04', 'from')).to.equal(day);
    expect(rangeBound('2026-12-04', 'to')).to.equal(day + 86_400_000);
    expect(rangeBound(undefined, 'to')).to.equal(undefined);
  });

  it('takes an instant with its zone exactly', () => {
    expect(rangeBound('2026-12-04T18:30:00Z', 'to')).to.equal(day + 18.5 * 3_600_000);
    expect(rangeBound('2026-12-04T18:30:00.250+01:00', 'from')).to.equal(day + 17.5 * 3_600_000 + 250);
    expect(rangeBound('2026-12-04 18:30Z', 'from')).to.equal(day + 18.5 * 3_600_000);
  });

  it('refuses anything else, naming the field', () => {
    for (const bad of [
      '2026-02-30',
      '2026-13-01',
      '04.12.2026',
      '2026-12-04T18:30',
      '1733300000000',
      '',
      ['2026-12-04'],
    ]) {
      let error: unknown;
      try {
        rangeBound(bad, 'from');
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(bad)).to.be.instanceOf(ApiError);
      expect((error as ApiError).toJSON()).to.deep.include({
        error: 'validation_failed',
        details: { field: 'from' },
      });
    }
  });
});
