/**
 * Injection tokens inside the module. Kept out of `index.ts`: hosts pass options to `forRoot` and
 * never inject these.
 */

/** The options as the host gave them, before defaults. */
export const PASSWORD_RESET_OPTIONS = Symbol('PASSWORD_RESET_OPTIONS');
/** The checked options with every default applied ({@link PasswordResetSettings}). */
export const PASSWORD_RESET_SETTINGS = Symbol('PASSWORD_RESET_SETTINGS');
/** The host's `EventEmitter2`, checked at start-up. */
export const EVENT_BUS = Symbol('PASSWORD_RESET_EVENT_BUS');
/** Where the per-IP limits count. */
export const PER_IP_STORAGE = Symbol('PASSWORD_RESET_PER_IP_STORAGE');
