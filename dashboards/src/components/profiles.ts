// The appliance profiles (metrics with units and bands, error codes, fault modes), loaded once per
// session: every page that names a metric or shows a normal range takes them from here.
import type { ApplianceProfileView, ApplianceType, MetricProfileView } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { useLoad, type Loaded } from './hooks';

let cached: Promise<ApplianceProfileView[]> | null = null;

export function useProfiles(): Loaded<ApplianceProfileView[]> {
  const { api } = useApp();
  return useLoad(() => {
    cached ??= api.get<ApplianceProfileView[]>('/api/profiles').catch((error: unknown) => {
      cached = null;
      throw error;
    });
    return cached;
  }, []);
}

export function profileFor(profiles: readonly ApplianceProfileView[] | undefined, type: ApplianceType) {
  return profiles?.find((profile) => profile.type === type);
}

export function metricProfile(
  profiles: readonly ApplianceProfileView[] | undefined,
  type: ApplianceType,
  metric: string,
): MetricProfileView | undefined {
  return profileFor(profiles, type)?.metrics.find((m) => m.name === metric);
}
