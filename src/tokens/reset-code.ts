import { randomInt } from 'node:crypto';

/** How many digits a reset code has. */
export const RESET_CODE_DIGITS = 8;

/** A code as typed: 8 digits, with or without one space in the middle (as the email shows it). */
export const RESET_CODE_PATTERN = /^\d{4} ?\d{4}$/;

/** 8 random digits, every value from 00000000 to 99999999 equally likely. */
export function generateResetCode(): string {
  return String(randomInt(10 ** RESET_CODE_DIGITS)).padStart(RESET_CODE_DIGITS, '0');
}

/** The code's 8 digits, as typed with or without the middle space; undefined for anything else. */
export function resetCodeDigits(typed: string): string | undefined {
  return RESET_CODE_PATTERN.test(typed) ? typed.replace(' ', '') : undefined;
}

/** As the email shows it, in two groups that are easy to read out and type: `1234 5678`. */
export function formatResetCode(digits: string): string {
  return `${digits.slice(0, 4)} ${digits.slice(4)}`;
}

/** Wrong tries that burn a code (the link it came with still works). */
export const RESET_CODE_MAX_WRONG_TRIES = 5;
