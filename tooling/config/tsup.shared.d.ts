import type { Options } from 'tsup';
export declare const sharedTsup: Options;
export declare const browserVariants: NonNullable<Options['esbuildPlugins']>[number];
export declare function browserTsup(overrides?: Options): Options;
