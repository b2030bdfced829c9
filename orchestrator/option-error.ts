/** An exploration option with a bad value (a usage error: exit code 2). */
export class InvalidOptionError extends Error {}
