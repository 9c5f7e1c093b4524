import type { UserConfig } from 'vitest/config';
export declare const sharedTest: NonNullable<UserConfig['test']>;
