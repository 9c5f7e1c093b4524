/** A learning-rate schedule over PPO updates (or SFT steps): linear warm-up, then cosine. */
export interface CosineSchedule {
  /** Peak learning rate (RL4VLM PPO: 1e-5; SFT: 2e-5). */
  maxLr: number;
  /** Floor of the cosine (RL4VLM: 1e-9). */
  minLr: number;
  /** Steps of linear warm-up from `maxLr / warmupSteps` to `maxLr` (RL4VLM PPO: 0). */
  warmupSteps: number;
  /** Length of the cosine after warm-up, `T_max` (RL4VLM PPO: 25 updates). */
  cosineSteps: number;
  /** Past the cosine: `hold` stays at `minLr`; `repeat` is torch's periodic `CosineAnnealingLR`. */
  afterEnd: 'hold' | 'repeat';
}

/**
 * The learning rate at 0-based step `step`. During warm-up it rises linearly; then
 * `minLr + (maxLr − minLr)·(1 + cos(π·k/T))/2` with `k` the steps since warm-up, as torch's
 * `CosineAnnealingLR` (stepped once per PPO update in RL4VLM).
 */
export function learningRateAt(schedule: CosineSchedule, step: number): number {
  const { maxLr, minLr, warmupSteps, cosineSteps, afterEnd } = schedule;
  if (step < warmupSteps) return (maxLr * (step + 1)) / warmupSteps;
  if (cosineSteps <= 0) return maxLr;
  let k = step - warmupSteps;
  if (k >= cosineSteps) {
    if (afterEnd === 'hold') return minLr;
    // torch's closed form is periodic with period 2·T_max.
    k %= 2 * cosineSteps;
  }
  return minLr + ((maxLr - minLr) * (1 + Math.cos((Math.PI * k) / cosineSteps))) / 2;
}
