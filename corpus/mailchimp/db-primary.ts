/** db-primary (mailchimp): see db.ts. */
import { startDatabase } from './db.js';

startDatabase();
