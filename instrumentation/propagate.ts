/**
 * Preload for the functional test's process (propagate-only mode): its outgoing requests carry the
 * execution id (FILIBUSTER_EXECUTION_ID), and are never reported nor faulted.
 */
import { configFromEnv } from './env.js';

const config = configFromEnv();
if (config.executionId) (await import('./instrument.js')).instrument({ ...config, serviceName: 'functional-test', propagateOnly: true });
