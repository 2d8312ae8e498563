import { filtered } from './kpi.service';

describe('a KPI aggregate restricted to its rows', () => {
  it('puts the condition after every aggregate call, nested parentheses and all', () => {
    expect(filtered('count(*)', 'is_failure')).toBe('count(*) FILTER (WHERE is_failure)');
    expect(filtered('avg(CASE WHEN respond_ms <= 600000 THEN 1.0 ELSE 0.0 END)', 'x > 1')).toBe(
      'avg(CASE WHEN respond_ms <= 600000 THEN 1.0 ELSE 0.0 END) FILTER (WHERE x > 1)',
    );
    expect(
      filtered(
        'sum(parts_at_first_visit)::double precision / NULLIF(sum(parts_needed), 0)',
        'parts_needed > 0',
      ),
    ).toBe(
      'sum(parts_at_first_visit) FILTER (WHERE parts_needed > 0)::double precision / NULLIF(sum(parts_needed) FILTER (WHERE parts_needed > 0), 0)',
    );
    expect(filtered('sum(GREATEST(0, LEAST(2, 3) - GREATEST(1, installed_at))) / 86400000.0', 'a')).toBe(
      'sum(GREATEST(0, LEAST(2, 3) - GREATEST(1, installed_at))) FILTER (WHERE a) / 86400000.0',
    );
  });

  it('leaves an expression without a condition as it is', () => {
    expect(filtered('count(DISTINCT technician)', null)).toBe('count(DISTINCT technician)');
  });
});
