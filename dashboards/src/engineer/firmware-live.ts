// Live firmware campaigns: the server pushes `firmware_campaign` (the campaign without its devices)
// to staff on every change; the list and the campaign page take it as it comes, and the campaign
// page asks again for its page of devices at most every few seconds.
import { useEffect, useRef } from 'preact/hooks';
import { useSocketEvent } from '../components/hooks';
import type { FirmwareCampaign } from './firmware-types';

export function useCampaignEvents(listener: (campaign: FirmwareCampaign) => void): void {
  useSocketEvent('firmware_campaign', listener);
}

/** Calls `action` at most once per `everyMs`: at once if it has not run lately, else at the end of the wait. */
export function useThrottled(action: () => void, everyMs: number): () => void {
  const actionRef = useRef(action);
  actionRef.current = action;
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const run = useRef(() => {
    if (timer.current) return; // already planned
    const wait = last.current + everyMs - Date.now();
    const fire = (): void => {
      timer.current = null;
      last.current = Date.now();
      actionRef.current();
    };
    if (wait <= 0) fire();
    else timer.current = setTimeout(fire, wait);
  });
  return run.current;
}
