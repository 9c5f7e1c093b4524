/**
 * tfjs-core registers no gradients by itself, and its Node bundle cannot load the ESM file that
 * does; tsup inlines that file into this package's dist (see tsup.config.ts), so the trainer's
 * losses have gradients whatever backend package the policy brought. Gradient functions live
 * in a global registry, so registering them twice (e.g. by policy-tfjs too) is harmless.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
