#!/usr/bin/env node
/** `filibuster-analysis`, the original's name for `filibuster analyze`. */
process.stderr.write('filibuster-analysis: the static analyser is not available in this version yet.\n');
process.exitCode = 2;
