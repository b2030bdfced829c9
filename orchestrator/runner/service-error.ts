/** A service could not be started, checked or restarted: an infrastructure error (exit 3). */
export class ServiceError extends Error {}
