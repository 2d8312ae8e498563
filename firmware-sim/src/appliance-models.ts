import { APPLIANCE_PROFILES, type ApplianceType, type MetricProfile } from '../../contracts/src';
import { gaussian, type Rng, uniform } from '../../contracts/src/seeded-random';
import { dailyWave, usageFactor } from './daily-pattern';

/** The fault acting on an appliance at one instant. */
export interface FaultInput {
  mode: string | undefined;
  /** 0 healthy … 1 failed. */
  severity: number;
  failed: boolean;
}

export type Metrics = Record<string, number>;

export const HEALTHY: FaultInput = { mode: undefined, severity: 0, failed: false };

/** Physics is integrated in steps of at most this much simulated time, whatever the report rate. */
const MAX_STEP_S = 60;

/**
 * Shared integration loop, sensor noise and range clamping. Each subclass holds only a handful
 * of numbers so that thousands of units fit in one process.
 */
export abstract class ApplianceModel {
  abstract readonly type: ApplianceType;
  private lastTs: number | undefined;

  constructor(protected readonly rng: Rng) {}

  /** Advances the physics to simTs (epoch ms of simulated time) and returns the readings then. */
  sample(simTs: number, fault: FaultInput): Metrics {
    if (this.lastTs === undefined) this.lastTs = simTs - MAX_STEP_S * 1000;
    while (this.lastTs < simTs) {
      const dtS = Math.min(MAX_STEP_S, (simTs - this.lastTs) / 1000);
      this.lastTs += dtS * 1000;
      this.step(this.lastTs, dtS, fault);
    }
    const raw = this.read(simTs, fault);
    const metrics: Metrics = {};
    for (const profile of APPLIANCE_PROFILES[this.type].metrics) {
      metrics[profile.name] = clampToSensor(profile, raw[profile.name]);
    }
    return metrics;
  }

  protected abstract step(simTs: number, dtS: number, fault: FaultInput): void;
  protected abstract read(simTs: number, fault: FaultInput): Metrics;

  /** Value plus Gaussian sensor noise with the given standard deviation. */
  protected noisy(value: number, sd: number): number {
    return value + gaussian(this.rng) * sd;
  }

  /** True with the probability that a Poisson event of ratePerHour happens within dtS. */
  protected happens(ratePerHour: number, dtS: number): boolean {
    return this.rng() < 1 - Math.exp((-ratePerHour * dtS) / 3600);
  }
}

function clampToSensor(profile: MetricProfile, value: number | undefined): number {
  const v = value === undefined || !Number.isFinite(value) ? profile.min : value;
  return Math.round(Math.min(profile.max, Math.max(profile.min, v)) * 100) / 100;
}

function severityOf(fault: FaultInput, mode: string): number {
  return fault.mode === mode ? fault.severity : 0;
}

/** Moves value toward target with time constant tauS. */
function relax(value: number, target: number, dtS: number, tauS: number): number {
  return target + (value - target) * Math.exp(-dtS / tauS);
}

// ---------------------------------------------------------------------------------------------
// Washer: programmes of fill, heat, wash, drain, rinse, spin, drain; idle between.

type WasherPhase = 'idle' | 'fill' | 'heat' | 'wash' | 'drain' | 'rinse' | 'spin';
const WASHER_CYCLE: readonly WasherPhase[] = [
  'fill',
  'heat',
  'wash',
  'drain',
  'fill',
  'rinse',
  'drain',
  'spin',
  'drain',
];

export class WasherModel extends ApplianceModel {
  readonly type = 'washer';
  private readonly cyclesPerDay = uniform(this.rng, 1, 2.2);
  private readonly baseDrainS = uniform(this.rng, 55, 90);
  private readonly maxSpinRpm = uniform(this.rng, 1000, 1400);
  private readonly inletTempC = uniform(this.rng, 10, 18);
  private readonly vibrationFactor = uniform(this.rng, 0.8, 1.15);
  private phaseIndex = -1;
  private phaseLeftS = 0;
  private targetTempC = 40;
  private spinRpm = 1000;
  private imbalance = 1;
  private waterTempC = 20;
  private lastDrainS = 0;

  private get phase(): WasherPhase {
    return this.phaseIndex < 0 ? 'idle' : WASHER_CYCLE[this.phaseIndex];
  }

  protected step(simTs: number, dtS: number, fault: FaultInput): void {
    if (this.phaseIndex < 0) {
      this.waterTempC = relax(this.waterTempC, 21, dtS, 1800);
      if (this.happens((this.cyclesPerDay / 24) * usageFactor(simTs), dtS)) this.startCycle(fault);
      return;
    }
    if (this.phase === 'heat') this.waterTempC += (dtS / 60) * 1.6;
    else if (this.phase === 'fill') this.waterTempC = relax(this.waterTempC, this.inletTempC, dtS, 60);
    else this.waterTempC = relax(this.waterTempC, 21, dtS, 3000);
    this.phaseLeftS -= dtS;
    const heated = this.phase === 'heat' && this.waterTempC >= this.targetTempC;
    if (this.phaseLeftS <= 0 || heated) this.nextPhase(fault);
  }

  private startCycle(fault: FaultInput): void {
    const programme = this.rng();
    this.targetTempC = programme < 0.15 ? 90 : programme < 0.35 ? 60 : programme < 0.85 ? 40 : 30;
    this.spinRpm = this.maxSpinRpm * uniform(this.rng, 0.6, 1);
    this.imbalance = uniform(this.rng, 0.6, 1.3);
    this.phaseIndex = -1;
    this.nextPhase(fault);
  }

  private nextPhase(fault: FaultInput): void {
    this.phaseIndex++;
    if (this.phaseIndex >= WASHER_CYCLE.length) {
      this.phaseIndex = -1;
      return;
    }
    switch (this.phase) {
      case 'fill':
        this.phaseLeftS = uniform(this.rng, 120, 240);
        break;
      case 'heat':
        this.phaseLeftS = 3600;
        break;
      case 'wash':
        this.phaseLeftS = uniform(this.rng, 1200, 2700);
        break;
      case 'rinse':
        this.phaseLeftS = uniform(this.rng, 600, 900);
        break;
      case 'spin':
        this.phaseLeftS = uniform(this.rng, 420, 720);
        break;
      case 'drain': {
        const clog = severityOf(fault, 'drain_pump_clog');
        this.lastDrainS = this.baseDrainS * (1 + 10 * clog) * uniform(this.rng, 0.92, 1.08);
        this.phaseLeftS = this.lastDrainS;
        break;
      }
      case 'idle':
        break;
    }
  }

  protected read(_simTs: number, fault: FaultInput): Metrics {
    const phase = this.phase;
    const tumbling = phase === 'heat' || phase === 'wash' || phase === 'rinse';
    const rpm = phase === 'spin' ? this.spinRpm : tumbling ? 50 : 0;
    const rpmFraction = rpm / 1400;
    const bearing = severityOf(fault, 'bearing_wear');
    const brushes = severityOf(fault, 'motor_brush_wear');
    let vibration = 0.2;
    let current = 0.05;
    if (rpm > 0) {
      vibration =
        (1.5 + 6 * rpmFraction * this.imbalance) * this.vibrationFactor +
        bearing * 26 * (0.35 + 0.65 * rpmFraction);
      current = 1.1 + 2 * rpmFraction + brushes * 7.5;
    }
    return {
      drumVibrationMmS: this.noisy(vibration, rpm > 0 ? 0.3 : 0.05),
      motorCurrentA: this.noisy(current, rpm > 0 ? 0.08 : 0.01),
      waterTempC: this.noisy(this.waterTempC, 0.2),
      drainTimeS: this.lastDrainS > 0 ? this.lastDrainS : this.baseDrainS,
      drumRpm: rpm > 0 ? this.noisy(rpm, 4) : 0,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Refrigerator: thermostat duty cycle driven by ambient heat load and door openings.

export class RefrigeratorModel extends ApplianceModel {
  readonly type = 'refrigerator';
  private readonly setpointC = uniform(this.rng, 3.3, 4.5);
  private readonly freezerSetpointC = uniform(this.rng, -20, -17);
  private readonly ambientBaseC = uniform(this.rng, 19, 24);
  private readonly baseLoad = uniform(this.rng, 0.3, 0.4);
  private readonly cyclePeriodS = uniform(this.rng, 1500, 2700);
  private readonly runCurrentA = uniform(this.rng, 1.0, 1.3);
  private readonly doorOpeningsPerDay = uniform(this.rng, 20, 50);
  private doorWarmthC = 0;
  private dutyAverage = 0.4;
  private cyclePhase = 0;
  private excessC = 0;

  private ambientC(simTs: number): number {
    return this.ambientBaseC + 2 * dailyWave(simTs, 16);
  }

  private capacity(fault: FaultInput): number {
    if (fault.failed && fault.mode === 'condenser_fan_failure') return 0;
    return (
      1 - 0.85 * severityOf(fault, 'refrigerant_leak') - 0.2 * severityOf(fault, 'condenser_fan_failure')
    );
  }

  private load(simTs: number, fault: FaultInput): number {
    const ambient = this.ambientC(simTs);
    return (
      this.baseLoad +
      0.015 * (ambient - 21) +
      0.08 * this.doorWarmthC +
      0.5 * severityOf(fault, 'door_gasket_failure')
    );
  }

  protected step(simTs: number, dtS: number, fault: FaultInput): void {
    this.doorWarmthC = relax(this.doorWarmthC, 0, dtS, 900);
    if (this.happens((this.doorOpeningsPerDay / 24) * usageFactor(simTs), dtS)) {
      this.doorWarmthC = Math.min(2, this.doorWarmthC + uniform(this.rng, 0.2, 0.6));
    }
    const capacity = this.capacity(fault);
    const load = this.load(simTs, fault);
    const duty = capacity <= 0 ? 0 : Math.min(1, load / capacity);
    // Heat the compressor cannot remove warms the cabinet toward ambient.
    const excessTarget =
      capacity <= 0 ? this.ambientC(simTs) - this.setpointC : Math.max(0, 12 * (load / capacity - 1));
    this.excessC = relax(
      this.excessC,
      Math.min(this.ambientC(simTs) - this.setpointC, excessTarget),
      dtS,
      3600,
    );
    this.dutyAverage = relax(this.dutyAverage, duty, dtS, 1800);
    this.cyclePhase = (this.cyclePhase + dtS / this.cyclePeriodS) % 1;
  }

  protected read(simTs: number, fault: FaultInput): Metrics {
    const duty = this.dutyAverage;
    const running = this.cyclePhase < duty;
    // Triangle wave: the cabinet cools while the compressor runs and warms while it rests.
    const swing = running
      ? 0.8 - (1.6 * this.cyclePhase) / Math.max(duty, 0.01)
      : -0.8 + (1.6 * (this.cyclePhase - duty)) / Math.max(1 - duty, 0.01);
    const gasket = severityOf(fault, 'door_gasket_failure');
    const fan = severityOf(fault, 'condenser_fan_failure');
    const ambient = this.ambientC(simTs);
    const cabinet = this.setpointC + swing + this.doorWarmthC + 5 * gasket + this.excessC;
    const freezer =
      this.freezerSetpointC + 1.5 * swing + 0.5 * this.doorWarmthC + 7 * gasket + 1.6 * this.excessC;
    const current = running ? this.runCurrentA + 0.02 * (ambient - 21) + 1.5 * fan : 0.02;
    const condenser = ambient + (running ? 14 : 4) + fan * (running ? 40 : 15);
    return {
      cabinetTempC: this.noisy(cabinet, 0.1),
      freezerTempC: this.noisy(freezer, 0.15),
      compressorCurrentA: this.noisy(current, running ? 0.03 : 0.005),
      compressorDutyPct: this.noisy(duty * 100, 1),
      condenserTempC: this.noisy(condenser, 0.3),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Air conditioner: inverter unit cooling against an outdoor daily temperature cycle.

export class AirConditionerModel extends ApplianceModel {
  readonly type = 'air_conditioner';
  private readonly climateC = uniform(this.rng, 25, 30);
  private readonly swingC = uniform(this.rng, 4, 7);
  private readonly comfortC = uniform(this.rng, 22.5, 24.5);
  private readonly filterBasePa = uniform(this.rng, 40, 65);
  private readonly suctionBaseKpa = uniform(this.rng, 820, 900);
  private weatherC = 0;
  private roomC = 26;
  private runHours = 0;

  private outdoorC(simTs: number): number {
    return this.climateC + this.weatherC + this.swingC * dailyWave(simTs, 15);
  }

  private setpointC(simTs: number): number {
    // Occupied hours are cooler; the unit sets back when the home is empty or asleep.
    return usageFactor(simTs) > 1.5 ? this.comfortC : this.comfortC + 2;
  }

  private demand(simTs: number): number {
    return Math.max(0.15, Math.min(1, (this.outdoorC(simTs) - 18) / 18));
  }

  private capacity(fault: FaultInput): number {
    return (
      1.25 * (1 - 0.85 * severityOf(fault, 'refrigerant_leak')) * (1 - 0.3 * severityOf(fault, 'filter_clog'))
    );
  }

  protected step(simTs: number, dtS: number, fault: FaultInput): void {
    // Weather wanders over days (mean-reverting random walk).
    this.weatherC = relax(this.weatherC, 0, dtS, 3 * 86400) + gaussian(this.rng) * 0.03 * Math.sqrt(dtS / 60);
    const shortfall = Math.max(0, this.demand(simTs) - this.capacity(fault));
    const roomTarget = this.setpointC(simTs) + 14 * shortfall;
    this.roomC = relax(this.roomC, Math.min(roomTarget, this.outdoorC(simTs)), dtS, 1200);
    this.runHours += dtS / 3600;
  }

  protected read(simTs: number, fault: FaultInput): Metrics {
    const leak = severityOf(fault, 'refrigerant_leak');
    const load = Math.min(1, this.demand(simTs) / this.capacity(HEALTHY));
    const deltaT = (8 + 4 * load) * (1 - 0.9 * leak);
    return {
      supplyAirTempC: this.noisy(this.roomC - deltaT, 0.2),
      returnAirTempC: this.noisy(this.roomC, 0.15),
      compressorCurrentA: this.noisy(2 + 5 * load + 12 * severityOf(fault, 'capacitor_degradation'), 0.1),
      suctionPressureKpa: this.noisy(this.suctionBaseKpa - 60 * load - 480 * leak, 6),
      filterDpPa: this.noisy(
        this.filterBasePa + 0.03 * this.runHours + 230 * severityOf(fault, 'filter_clog'),
        1.5,
      ),
      outdoorTempC: this.noisy(this.outdoorC(simTs), 0.2),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Water heater: thermostat with hysteresis, hot water draws, standing losses.

export class WaterHeaterModel extends ApplianceModel {
  readonly type = 'water_heater';
  private readonly tankL = uniform(this.rng, 150, 200);
  private readonly setpointC = uniform(this.rng, 55, 65);
  private readonly elementW = uniform(this.rng, 2800, 3100);
  private readonly inletBaseC = uniform(this.rng, 10, 18);
  private readonly drawsPerDay = uniform(this.rng, 10, 18);
  private tankC = this.setpointC;
  private heating = false;
  private drawLeftS = 0;
  private drawLpm = 0;
  private heatRateCPerMin = 0;

  private inletC(simTs: number): number {
    return this.inletBaseC + 1 * dailyWave(simTs, 16);
  }

  private elementPowerW(fault: FaultInput): number {
    return this.elementW * Math.max(0, 1 - 1.2 * severityOf(fault, 'element_failure')) ** 2;
  }

  protected step(simTs: number, dtS: number, fault: FaultInput): void {
    if (this.drawLeftS <= 0 && this.happens((this.drawsPerDay / 24) * usageFactor(simTs), dtS)) {
      const shower = this.rng() < 0.4;
      this.drawLeftS = shower ? uniform(this.rng, 300, 600) : uniform(this.rng, 30, 180);
      this.drawLpm = shower ? uniform(this.rng, 4, 7) : uniform(this.rng, 2, 5);
    }
    const drawingLpm = this.drawLeftS > 0 ? this.drawLpm : 0;
    this.drawLeftS -= dtS;

    const setpoint = this.setpointC + 38 * severityOf(fault, 'thermostat_drift');
    if (this.tankC < setpoint - 4) this.heating = true;
    else if (this.tankC >= setpoint) this.heating = false;

    // Scale insulates the element from the water: the same power, less of it into the tank.
    const efficiency = Math.max(0.03, 1 - 1.4 * severityOf(fault, 'scale_buildup')) ** 2;
    const heatW = this.heating ? this.elementPowerW(fault) * efficiency : 0;
    const lossW = 2.5 * (this.tankC - 20);
    const drawnL = (drawingLpm * dtS) / 60;
    const before = this.tankC;
    this.tankC += ((heatW - lossW) * dtS) / (4186 * this.tankL);
    this.tankC -= (drawnL / this.tankL) * (this.tankC - this.inletC(simTs));
    this.heatRateCPerMin = this.heating ? ((this.tankC - before) / dtS) * 60 : 0;
  }

  protected read(simTs: number, fault: FaultInput): Metrics {
    return {
      tankTempC: this.noisy(this.tankC, 0.15),
      inletTempC: this.noisy(this.inletC(simTs), 0.1),
      heaterPowerW: this.heating ? this.noisy(this.elementPowerW(fault), 15) : 0,
      heatRateCPerMin: this.heating ? this.noisy(this.heatRateCPerMin, 0.005) : 0,
      flowLpm: this.drawLeftS > 0 ? this.noisy(this.drawLpm, 0.1) : 0,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Dishwasher: prewash, heated main wash, rinses, hot rinse, dry; mostly run after dinner.

type DishwasherPhase = 'idle' | 'fill' | 'prewash' | 'heat' | 'wash' | 'drain' | 'rinse' | 'dry';
const DISHWASHER_CYCLE: readonly DishwasherPhase[] = [
  'fill',
  'prewash',
  'drain',
  'fill',
  'heat',
  'wash',
  'drain',
  'fill',
  'rinse',
  'drain',
  'fill',
  'heat',
  'rinse',
  'drain',
  'dry',
];

export class DishwasherModel extends ApplianceModel {
  readonly type = 'dishwasher';
  private readonly cyclesPerDay = uniform(this.rng, 0.8, 1.6);
  private readonly baseDrainS = uniform(this.rng, 50, 80);
  private readonly pumpKpa = uniform(this.rng, 140, 175);
  private readonly heaterW = uniform(this.rng, 1900, 2100);
  private phaseIndex = -1;
  private phaseLeftS = 0;
  private heatsDone = 0;
  private targetTempC = 55;
  private soilNtu = 600;
  private waterTempC = 21;
  private turbidityNtu = 10;
  private lastDrainS = 0;

  private get phase(): DishwasherPhase {
    return this.phaseIndex < 0 ? 'idle' : DISHWASHER_CYCLE[this.phaseIndex];
  }

  private heaterPowerW(fault: FaultInput): number {
    return this.heaterW * (1 - severityOf(fault, 'heater_failure'));
  }

  /** Dirt stays suspended when the water is cold or circulation is weak. */
  private soilFactor(fault: FaultInput): number {
    const severity = severityOf(fault, 'heater_failure') + severityOf(fault, 'spray_arm_clog');
    return 1 + 4 * severity + (fault.failed && severity > 0 ? 3 : 0);
  }

  protected step(simTs: number, dtS: number, fault: FaultInput): void {
    if (this.phaseIndex < 0) {
      this.waterTempC = relax(this.waterTempC, 21, dtS, 2400);
      if (this.happens((this.cyclesPerDay / 24) * usageFactor(simTs), dtS)) {
        this.soilNtu = uniform(this.rng, 400, 1000);
        this.targetTempC = uniform(this.rng, 50, 65);
        this.heatsDone = 0;
        this.nextPhase(fault);
      }
      return;
    }
    switch (this.phase) {
      case 'heat':
        this.waterTempC += ((this.heaterPowerW(fault) / 2000) * 3 * dtS) / 60;
        break;
      case 'fill':
        this.waterTempC = relax(this.waterTempC, 16, dtS, 40);
        break;
      case 'idle':
      case 'prewash':
      case 'wash':
      case 'drain':
      case 'rinse':
      case 'dry':
        this.waterTempC = relax(this.waterTempC, 21, dtS, 3600);
        break;
    }
    this.phaseLeftS -= dtS;
    const heated = this.phase === 'heat' && this.waterTempC >= this.targetTempC;
    if (this.phaseLeftS <= 0 || heated) this.nextPhase(fault);
  }

  private nextPhase(fault: FaultInput): void {
    this.phaseIndex++;
    if (this.phaseIndex >= DISHWASHER_CYCLE.length) {
      this.phaseIndex = -1;
      return;
    }
    switch (this.phase) {
      case 'fill':
        this.phaseLeftS = uniform(this.rng, 60, 120);
        break;
      case 'prewash':
        this.phaseLeftS = uniform(this.rng, 480, 720);
        this.turbidityNtu = this.soilNtu * this.soilFactor(fault);
        break;
      case 'heat':
        this.heatsDone++;
        if (this.heatsDone === 2) this.targetTempC = uniform(this.rng, 62, 70);
        this.phaseLeftS = 2400;
        break;
      case 'wash':
        this.phaseLeftS = uniform(this.rng, 1200, 2100);
        this.turbidityNtu = 0.5 * this.soilNtu * this.soilFactor(fault);
        break;
      case 'rinse':
        this.phaseLeftS = uniform(this.rng, 300, 600);
        this.turbidityNtu = uniform(this.rng, 20, 80) * this.soilFactor(fault);
        break;
      case 'drain': {
        this.lastDrainS =
          this.baseDrainS * (1 + 5 * severityOf(fault, 'drain_clog')) * uniform(this.rng, 0.92, 1.08);
        this.phaseLeftS = this.lastDrainS;
        break;
      }
      case 'dry':
        this.phaseLeftS = uniform(this.rng, 1200, 2400);
        break;
      case 'idle':
        break;
    }
  }

  protected read(_simTs: number, fault: FaultInput): Metrics {
    const phase = this.phase;
    const pumping = phase === 'prewash' || phase === 'heat' || phase === 'wash' || phase === 'rinse';
    const pressure = pumping ? this.pumpKpa * (1 - 0.7 * severityOf(fault, 'spray_arm_clog')) : 0;
    const idleTurbidity = phase === 'idle' || phase === 'dry' || phase === 'fill';
    return {
      waterTempC: this.noisy(this.waterTempC, 0.2),
      pumpPressureKpa: pumping ? this.noisy(pressure, 2) : 0,
      heaterPowerW: phase === 'heat' ? this.noisy(this.heaterPowerW(fault), 10) : 0,
      drainTimeS: this.lastDrainS > 0 ? this.lastDrainS : this.baseDrainS,
      turbidityNtu: idleTurbidity
        ? this.noisy(8, 1)
        : this.noisy(this.turbidityNtu, this.turbidityNtu * 0.02),
    };
  }
}

export function createApplianceModel(type: ApplianceType, rng: Rng): ApplianceModel {
  switch (type) {
    case 'washer':
      return new WasherModel(rng);
    case 'refrigerator':
      return new RefrigeratorModel(rng);
    case 'air_conditioner':
      return new AirConditionerModel(rng);
    case 'water_heater':
      return new WaterHeaterModel(rng);
    case 'dishwasher':
      return new DishwasherModel(rng);
  }
}
