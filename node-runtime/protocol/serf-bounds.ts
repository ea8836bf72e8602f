// memberlist's timing profiles (hashicorp/memberlist config.go: DefaultLANConfig, DefaultWANConfig,
// DefaultLocalConfig) and what follows from them: how long a suspicion can last before it either ends in `failed` or
// was refuted, and the longest a crash can take to be marked failed everywhere — "Serf's own bound".
export type SerfProfile = 'lan' | 'wan' | 'local';

interface Timings {
  readonly probeIntervalMs: number;
  readonly probeTimeoutMs: number;
  readonly gossipIntervalMs: number;
  readonly suspicionMult: number;
  readonly suspicionMaxTimeoutMult: number;
}

export const SERF_PROFILES: Record<SerfProfile, Timings> = {
  lan: { probeIntervalMs: 1000, probeTimeoutMs: 500, gossipIntervalMs: 200, suspicionMult: 4, suspicionMaxTimeoutMult: 6 },
  wan: { probeIntervalMs: 5000, probeTimeoutMs: 3000, gossipIntervalMs: 500, suspicionMult: 6, suspicionMaxTimeoutMult: 6 },
  local: { probeIntervalMs: 1000, probeTimeoutMs: 200, gossipIntervalMs: 100, suspicionMult: 3, suspicionMaxTimeoutMult: 6 },
};

/** memberlist's suspicion timeout starts at its maximum and shrinks with independent confirmations; this is the
 *  maximum: SuspicionMaxTimeoutMult × SuspicionMult × max(1, log10 n) × ProbeInterval. */
export function maxSuspicionMs(profile: SerfProfile, members: number): number {
  const t = SERF_PROFILES[profile];
  return t.suspicionMaxTimeoutMult * t.suspicionMult * Math.max(1, Math.log10(Math.max(1, members))) * t.probeIntervalMs;
}

/**
 * The longest from a crash until every live member marks it failed: each member probes every other once per round of
 * n probe intervals (so someone probes the victim within a round), the probe times out, the suspicion runs at most
 * its maximum, and the `dead` message then spreads by gossip (memberlist retransmits it RetransmitMult × log(n+1)
 * times, at least a few gossip intervals; 10 intervals cover it for small clusters).
 */
export function failureDetectionBoundMs(profile: SerfProfile, members: number): number {
  const t = SERF_PROFILES[profile];
  return members * t.probeIntervalMs + t.probeTimeoutMs + maxSuspicionMs(profile, members) + 10 * t.gossipIntervalMs;
}
