import { APPLIANCE_PROFILES, type ApplianceType } from '../../contracts/src';
import { deriveSeed, mulberry32 } from '../../contracts/src/seeded-random';
import {
  createApplianceModel,
  type ApplianceModel,
  type FaultInput,
  HEALTHY,
  type Metrics,
} from './appliance-models';
import { type FaultPlan, severityAt } from './fault-injector';

export interface FailureEvent {
  code: string;
  message: string;
}

export interface ApplianceSample {
  metrics: Metrics;
  /** Set on the one sample at which the injected fault became a failure. */
  failure?: FailureEvent;
}

export interface ComponentCheck {
  part: string;
  status: 'pass' | 'fail';
}

/** Self-test declares a component failing once its fault is past this severity. */
const SELF_TEST_FAIL_SEVERITY = 0.5;

/**
 * One appliance's physics plus its (optional) injected fault, on simulated time. Shared by the
 * live MQTT fleet and the offline dataset generator.
 */
export class SimulatedAppliance {
  private model: ApplianceModel | undefined;
  private failed = false;
  private lastSimTs = 0;

  constructor(
    readonly deviceId: string,
    readonly type: ApplianceType,
    private readonly seed: number,
    readonly fault: FaultPlan | undefined,
  ) {}

  get hasFailed(): boolean {
    return this.failed;
  }

  faultAt(simTs: number): FaultInput {
    if (!this.fault) return HEALTHY;
    return { mode: this.fault.mode, severity: severityAt(this.fault, simTs), failed: this.failed };
  }

  sample(simTs: number): ApplianceSample {
    this.model ??= createApplianceModel(
      this.type,
      mulberry32(deriveSeed(this.seed, this.deviceId, 'physics')),
    );
    this.lastSimTs = simTs;
    const fault = this.faultAt(simTs);
    let failure: FailureEvent | undefined;
    if (this.fault && !this.failed && simTs >= this.fault.failureSimTs) {
      this.failed = true;
      fault.failed = true;
      const meaning = APPLIANCE_PROFILES[this.type].errorCodes.find(
        (e) => e.code === this.fault?.errorCode,
      )?.meaning;
      failure = { code: this.fault.errorCode, message: meaning ?? this.fault.mode };
    }
    return { metrics: this.model.sample(simTs, fault), failure };
  }

  /** Per-component pass/fail from the current fault state. */
  selfTest(simTs = this.lastSimTs): ComponentCheck[] {
    const severity = this.fault ? severityAt(this.fault, simTs) : 0;
    const parts = [...new Set(APPLIANCE_PROFILES[this.type].faultModes.map((m) => m.part))];
    return parts.map((part) => ({
      part,
      status:
        this.fault?.part === part && (this.failed || severity > SELF_TEST_FAIL_SEVERITY) ? 'fail' : 'pass',
    }));
  }
}
