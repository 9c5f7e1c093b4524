import type { Options } from 'tsup';
export declare const sharedTsup: Options;
