import { type ConnectionSettings, DeviceConnection, type SelfTestComponent } from './device-connection';
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
  }

  protected override selfTest(): SelfTestComponent[] {
    return this.appliance.selfTest(this.deviceSettings.simTimeOf(this.deviceSettings.clock.now()));
  }
}
