import type { ComplaintStatus } from '../../../../contracts/src';
import { classifyComplaint } from './complaint-classification';
import { fitsStep, mayTake, stepOf } from './complaint-steps';

describe('complaint classification', () => {
  it('reads the category and urgency from English words', () => {
    expect(classifyComplaint('The technician was rude and the washer still leaks.')).toEqual({
      category: 'service',
      urgency: 'core_function',
    });
    expect(classifyComplaint('I was overcharged for the repair')).toEqual({
      category: 'payment',
      urgency: 'minor',
    });
    expect(classifyComplaint('The parcel never arrived')).toEqual({
      category: 'logistics',
      urgency: 'minor',
    });
    expect(classifyComplaint('My points disappeared from my account')).toEqual({
      category: 'account',
      urgency: 'minor',
    });
    expect(classifyComplaint('Sparks came out of the back, it is faulty')).toEqual({
      category: 'quality',
      urgency: 'safety',
    });
  });

  it('reads Chinese words anywhere in the text', () => {
    expect(classifyComplaint('冰箱又坏了，不制冷')).toEqual({
      category: 'quality',
      urgency: 'core_function',
    });
    expect(classifyComplaint('师傅态度很差')).toEqual({ category: 'service', urgency: 'minor' });
    expect(classifyComplaint('热水器漏电，太危险了')).toMatchObject({ urgency: 'safety' });
    expect(classifyComplaint('发票一直没有开')).toEqual({ category: 'payment', urgency: 'minor' });
  });

  it('matches English words whole, and falls back when nothing is recognised', () => {
    // "billboard" is not "bill"
    expect(classifyComplaint('The billboard was misleading')).toEqual({
      category: 'other',
      urgency: 'minor',
    });
    expect(classifyComplaint('Nothing in particular', 'service').category).toBe('service');
  });
});

describe('complaint steps', () => {
  const at = (status: ComplaintStatus, findings: string | null = null, executedAt: number | null = null) => ({
    status,
    findings,
    executedAt,
  });

  it('numbers the eight steps, the investigation written up being step 5', () => {
    expect(stepOf(at('registered'))).toBe(3);
    expect(stepOf(at('investigating'))).toBe(4);
    expect(stepOf(at('investigating', 'found'))).toBe(5);
    expect(stepOf(at('solution_proposed', 'found'))).toBe(6);
    expect(stepOf(at('escalated', 'found'))).toBe(6);
    expect(stepOf(at('executing', 'found'))).toBe(7);
    expect(stepOf(at('closed', 'found'))).toBe(8);
  });

  it('lets each action in only at its step', () => {
    expect(fitsStep('investigate', at('registered'))).toBe(false);
    expect(fitsStep('investigate', at('investigating'))).toBe(true);
    expect(fitsStep('investigate', at('investigating', 'found'))).toBe(false);
    expect(fitsStep('propose', at('investigating', 'found'))).toBe(true);
    expect(fitsStep('answer', at('escalated', 'found'))).toBe(false);
    expect(fitsStep('review', at('escalated', 'found'))).toBe(true);
    expect(fitsStep('review', at('solution_proposed', 'found'))).toBe(false);
    expect(fitsStep('close', at('executing', 'found'))).toBe(false);
    expect(fitsStep('execute', at('executing', 'found', 1))).toBe(false);
    expect(fitsStep('close', at('executing', 'found', 1))).toBe(true);
    expect(fitsStep('assign', at('closed', 'found', 1))).toBe(false);
    expect(fitsStep('useful', at('closed', 'found', 1))).toBe(true);
  });

  it('leaves only the answer to the customer, and nothing to technicians', () => {
    expect(mayTake('customer', 'answer')).toBe(true);
    expect(mayTake('customer', 'close')).toBe(false);
    expect(mayTake('technician', 'answer')).toBe(false);
    expect(mayTake('engineer', 'review')).toBe(true);
  });
});
