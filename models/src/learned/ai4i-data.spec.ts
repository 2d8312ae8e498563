import {
  AI4I_FEATURES,
  ai4iPhysicsMargins,
  AI4I_FAILURE_MODE_COLUMNS,
  ai4iFeatureVector,
  parseAi4iCsv,
  splitAi4i,
  type Ai4iRow,
} from './ai4i-data';

const csv = [
  'UDI,Product ID,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],Tool wear [min],Machine failure,TWF,HDF,PWF,OSF,RNF',
  '1,M14860,M,298.1,308.6,1551,42.8,0,0,0,0,0,0,0',
  '2,L47181,L,298.2,308.7,1408,46.3,3,1,0,1,0,0,1',
].join('\n');

describe('AI4I parsing', () => {
  it('reads inputs, the label and the failure modes (as targets) from a row', () => {
    const rows = parseAi4iCsv(csv);
    expect(rows[1]).toEqual({
      udi: 2,
      type: 'L',
      airTempK: 298.2,
      processTempK: 308.7,
      rotationalSpeedRpm: 1408,
      torqueNm: 46.3,
      toolWearMin: 3,
      machineFailure: 1,
      failureModes: { TWF: 0, HDF: 1, PWF: 0, OSF: 0 },
    });
  });

  it('never lets the failure-mode flags or the label reach the model inputs', () => {
    for (const mode of AI4I_FAILURE_MODE_COLUMNS)
      expect(AI4I_FEATURES.join().toUpperCase()).not.toContain(mode);
    const row = parseAi4iCsv(csv)[1];
    const flipped = {
      ...row,
      machineFailure: 0 as const,
      failureModes: { TWF: 1, HDF: 0, PWF: 1, OSF: 1 } as const,
    };
    expect(ai4iFeatureVector(flipped)).toEqual(ai4iFeatureVector(row));
  });

  it('feeds the model only the machine inputs and physics features', () => {
    expect([...AI4I_FEATURES]).toEqual([
      'type_L',
      'type_M',
      'type_H',
      'air_temp_k',
      'process_temp_k',
      'rotational_speed_rpm',
      'torque_nm',
      'tool_wear_min',
      'temp_diff_k',
      'power_w',
      'torque_x_wear_nm_min',
      'heat_dissipation_margin',
      'power_margin',
      'overstrain_margin',
      'tool_wear_margin',
      'heat_dissipation_limit_crossed',
      'power_limit_crossed',
      'overstrain_limit_crossed',
    ]);
    const v = ai4iFeatureVector(parseAi4iCsv(csv)[0]);
    expect(v).toHaveLength(AI4I_FEATURES.length);
    expect(v.slice(0, 3)).toEqual([0, 1, 0]);
    expect(v[8]).toBeCloseTo(10.5, 6);
    expect(v[9]).toBeCloseTo((42.8 * 1551 * 2 * Math.PI) / 60, 6);
  });

  const base = parseAi4iCsv(csv)[0];
  const flags = (r: Ai4iRow) => ai4iFeatureVector(r).slice(-3);

  it('flags heat dissipation only when both the temperature difference and the speed are low', () => {
    const hot = { ...base, airTempK: 300, processTempK: 308.5 };
    expect(flags({ ...hot, rotationalSpeedRpm: 1370 })[0]).toBe(1);
    expect(flags({ ...hot, rotationalSpeedRpm: 1390 })[0]).toBe(0);
    expect(flags({ ...base, airTempK: 300, processTempK: 309, rotationalSpeedRpm: 1370 })[0]).toBe(0);
    expect(ai4iPhysicsMargins({ ...hot, rotationalSpeedRpm: 1370 })[0]).toBeLessThan(0);
  });

  it('flags power outside 3500-9000 W and overstrain past the per-type limit', () => {
    // 1500 rpm = 157.08 rad/s: 20 Nm -> 3142 W, 40 Nm -> 6283 W, 60 Nm -> 9425 W.
    expect(flags({ ...base, rotationalSpeedRpm: 1500, torqueNm: 20, toolWearMin: 0 })[1]).toBe(1);
    expect(flags({ ...base, rotationalSpeedRpm: 1500, torqueNm: 40, toolWearMin: 0 })[1]).toBe(0);
    expect(flags({ ...base, rotationalSpeedRpm: 1500, torqueNm: 60, toolWearMin: 0 })[1]).toBe(1);
    // 50 Nm x 230 min = 11500 minNm: over the L limit (11000), under M (12000).
    const worn = { ...base, torqueNm: 50, toolWearMin: 230 };
    expect(flags({ ...worn, type: 'L' })[2]).toBe(1);
    expect(flags({ ...worn, type: 'M' })[2]).toBe(0);
  });
});

describe('AI4I split', () => {
  const rows: Ai4iRow[] = Array.from({ length: 1000 }, (_, i) => ({
    udi: i + 1,
    type: 'L',
    airTempK: 300,
    processTempK: 310,
    rotationalSpeedRpm: 1500,
    torqueNm: 40,
    toolWearMin: i % 250,
    machineFailure: i % 20 === 0 ? 1 : 0,
    failureModes: { TWF: 0, HDF: 0, PWF: 0, OSF: 0 },
  }));

  it('is stratified, disjoint and reproducible from its seed', () => {
    const a = splitAi4i(rows, 7);
    const b = splitAi4i(rows, 7);
    expect(a.test.map((r) => r.udi)).toEqual(b.test.map((r) => r.udi));
    expect(a.test).toHaveLength(200);
    expect(a.test.filter((r) => r.machineFailure === 1)).toHaveLength(10);
    const ids = new Set([...a.train, ...a.validation, ...a.test].map((r) => r.udi));
    expect(ids.size).toBe(1000);
    expect(splitAi4i(rows, 8).test.map((r) => r.udi)).not.toEqual(a.test.map((r) => r.udi));
  });
});
