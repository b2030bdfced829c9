/**
 * Zero-code preload for a service: `node --import filibuster/register app.js`.
 * Without FILIBUSTER_URL it does nothing at all.
 */
import { configFromEnv } from './env.js';
import { instrument } from './index.js';

instrument(configFromEnv());
