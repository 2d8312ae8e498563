import { faultOfAlarm } from './fault-attribution';

describe('faultOfAlarm', () => {
  it('names the fault mode behind predictions, error codes and primary metrics', () => {
    expect(faultOfAlarm('washer', 'prediction:bearing_wear', [])).toBe('bearing_wear');
    expect(faultOfAlarm('washer', 'code:E31', [])).toBe('bearing_wear');
    expect(faultOfAlarm('washer', 'threshold:drumVibrationMmS', [])).toBe('bearing_wear');
    expect(faultOfAlarm('refrigerator', 'threshold:compressorDutyPct', [])).toBe('refrigerant_leak');
  });

  it('joins an ambiguous metric to the open incident it can belong to', () => {
    expect(faultOfAlarm('refrigerator', 'threshold:compressorDutyPct', ['door_gasket_failure'])).toBe(
      'door_gasket_failure',
    );
  });

  it('keeps what was observed when no fault mode explains it', () => {
    expect(faultOfAlarm('washer', 'code:E41', [])).toBe('code:E41');
    expect(faultOfAlarm('washer', 'threshold:waterTempC', [])).toBe('metric:waterTempC');
    expect(faultOfAlarm('washer', 'no_data', [])).toBe('no_data');
    expect(faultOfAlarm('washer', 'anomaly', [])).toBe('anomaly');
  });
});
