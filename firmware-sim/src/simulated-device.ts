import { APPLIANCE_PROFILES } from '../../contracts/src';
import { type ConnectionSettings, DeviceConnection, type SelfTestComponent } from './device-connection';
import { FAULTY_FIRMWARE_ERROR_CODE, FAULTY_FIRMWARE_ERROR_EVERY_READINGS } from './firmware-image';
import { type ApplianceSample, type SimulatedAppliance } from './simulated-appliance';

export type { DeviceListener, ErrorLogEntry } from './device-connection';

/** Settings shared by every device of a fleet. */
export interface DeviceSettings extends ConnectionSettings {
  /** Maps a wall-clock timestamp to simulated time (usage cycles and faults run faster). */
  simTimeOf(wallTs: number): number;
  /** Sees every reading as it is taken (e.g. the OPC UA server). */
  onSample?(deviceId: string, wallTs: number, sample: ApplianceSample): void;
  /** The readings are not sent over MQTT (the fleet is served over OPC UA only). */
  noMqtt?: boolean;
}

/**
 * One simulated appliance on MQTT (DeviceConnection: connection, buffer, commands) driven by its
 * physics and fault model. The fleet drives it with report(); it owns no timer.
 */
export class SimulatedDevice extends DeviceConnection {
  /** Readings taken since a faulty firmware build started running. */
  private faultyFirmwareReadings = 0;

  constructor(
    id: string,
    secret: string,
    readonly appliance: SimulatedAppliance,
    private readonly deviceSettings: DeviceSettings,
  ) {
    super(id, secret, deviceSettings);
  }

  /** Takes a reading at wallTs and publishes it, or buffers it while disconnected. */
  report(wallTs: number): void {
    const sample = this.appliance.sample(this.deviceSettings.simTimeOf(wallTs));
    this.deviceSettings.onSample?.(this.id, wallTs, sample);
    if (!this.deviceSettings.noMqtt) this.sendTelemetry(wallTs, sample.metrics);
    if (sample.failure) {
      const entry = { ts: wallTs, code: sample.failure.code, message: sample.failure.message };
      if (!this.deviceSettings.noMqtt) this.sendEvent(entry.ts, entry.code, entry.message);
      this.deviceSettings.listener.onFailure(this.id, entry);
    }
    this.raiseFirmwareError(wallTs);
  }

  /** A faulty build raises its error code every few readings, for as long as it runs. */
  private raiseFirmwareError(wallTs: number): void {
    if (!this.firmwareFaulty) {
      this.faultyFirmwareReadings = 0;
      return;
    }
    if (this.faultyFirmwareReadings++ % FAULTY_FIRMWARE_ERROR_EVERY_READINGS !== 0) return;
    const code = FAULTY_FIRMWARE_ERROR_CODE[this.appliance.type];
    const meaning = APPLIANCE_PROFILES[this.appliance.type].errorCodes.find((e) => e.code === code)?.meaning;
    if (!this.deviceSettings.noMqtt) this.sendEvent(wallTs, code, meaning ?? code);
  }

  protected override selfTest(): SelfTestComponent[] {
    return this.appliance.selfTest(this.deviceSettings.simTimeOf(this.deviceSettings.clock.now()));
  }
}
