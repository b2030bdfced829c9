/**
 * Preload for the functional test's process (propagate-only mode): its outgoing requests carry the
 * execution id (FILIBUSTER_EXECUTION_ID), and are never reported nor faulted.
 */
import { configFromEnv } from './env.js';
import { instrument } from './index.js';

const config = configFromEnv();
if (config.executionId) instrument({ ...config, serviceName: 'functional-test', propagateOnly: true });
