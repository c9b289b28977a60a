import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { installFastDictionaryMatcher } from './fast-dictionary-matcher';
import {
  L33T_MAX_SUBSTITUTIONS,
  StrengthResult,
  StrengthSuggestion,
  StrengthTask,
  StrengthWarning,
  strengthCheckPrefix,
} from './password-strength.types';

/**
 * Runs in the strength-check worker threads (see `PasswordStrengthPool`), never on the event loop:
 * one check costs milliseconds of CPU, and loading the dictionaries tens of megabytes.
 */
installFastDictionaryMatcher();

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  // No translations: zxcvbn-ts then gives its feedback as keys (its `translationKeys`), which the
  // policy puts in the reader's language on the main thread.
  l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
});

/** Scores a password against zxcvbn's offline dictionaries and the account's own words. */
export default function checkStrength(task: StrengthTask): StrengthResult {
  const result = zxcvbn.check(strengthCheckPrefix(task.password), task.userInputs);
  return {
    score: result.score,
    warning: result.feedback.warning as StrengthWarning | null,
    suggestions: result.feedback.suggestions as StrengthSuggestion[],
  };
}
