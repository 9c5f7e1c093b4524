/** Inputs of {@link computeGae}, all `[T][N]` (time-major, one column per env). */
export interface GaeInput {
  rewards: number[][];
  values: number[][];
  /** True when the episode ended at this step (terminated or truncated; RL4VLM bootstraps neither). */
  dones: boolean[][];
  /** V(s_T) per env: the value of the observation after the last step (ignored where that step was done). */
  lastValues: number[];
  /** Discount γ (RL4VLM: 0.9). */
  gamma: number;
  /** GAE λ (RL4VLM: 0.95). */
  lambda: number;
}

/**
 * Generalised advantage estimation, as RL4VLM (after pytorch-a2c-ppo-acktr) computes it,
 * with `m_{t+1} = 0` when step t ended its episode:
 *
 *   δ_t   = r_t + γ·V_{t+1}·m_{t+1} − V_t
 *   gae_t = δ_t + γ·λ·m_{t+1}·gae_{t+1}
 *   R_t   = gae_t + V_t
 *
 * @returns advantages and returns, `[T][N]`.
 */
export function computeGae({ rewards, values, dones, lastValues, gamma, lambda }: GaeInput): {
  advantages: number[][];
  returns: number[][];
} {
  const T = rewards.length;
  const N = lastValues.length;
  if (values.length !== T || dones.length !== T)
    throw new RangeError(
      `GAE needs rewards, values and dones of the same length, got ${T}, ${values.length}, ${dones.length}`,
    );
  const advantages = Array.from({ length: T }, () => new Array<number>(N).fill(0));
  const returns = Array.from({ length: T }, () => new Array<number>(N).fill(0));
  for (let n = 0; n < N; n++) {
    let gae = 0;
    for (let t = T - 1; t >= 0; t--) {
      const notDone = dones[t]![n] ? 0 : 1;
      const nextValue = t === T - 1 ? lastValues[n]! : values[t + 1]![n]!;
      const delta = rewards[t]![n]! + gamma * nextValue * notDone - values[t]![n]!;
      gae = delta + gamma * lambda * notDone * gae;
      advantages[t]![n] = gae;
      returns[t]![n] = gae + values[t]![n]!;
    }
  }
  return { advantages, returns };
}
