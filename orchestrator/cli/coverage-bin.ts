#!/usr/bin/env node
/** `filibuster-coverage`, the original's name for `filibuster coverage`. */
process.stderr.write('filibuster-coverage: coverage reports are not available in this version yet.\n');
process.exitCode = 2;
