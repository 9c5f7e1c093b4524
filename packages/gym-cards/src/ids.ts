/** The registered ids of this package's envs. */
export const GYM_CARDS_IDS = {
  numberLine: 'gym-cards/NumberLine-v0',
  ezPoints: 'gym-cards/EZPoints-v0',
  points24: 'gym-cards/Points24-v0',
  blackjack: 'gym-cards/Blackjack-v0',
} as const;

export type GymCardsEnvId = (typeof GYM_CARDS_IDS)[keyof typeof GYM_CARDS_IDS];
