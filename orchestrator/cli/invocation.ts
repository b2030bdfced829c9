/** How to name this CLI in a pasteable command: kept with the replay command, which the report shares (../replay-command.ts). */
export { cliInvocation, shellQuote } from '../replay-command.js';
