import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { IncomingMessage } from 'node:http';
import { acceptedLanguages } from '../i18n/locale-tags';

const requestLanguages = createParamDecorator(
  (_data: unknown, context: ExecutionContext): readonly string[] =>
    acceptedLanguages(
      context.switchToHttp().getRequest<IncomingMessage>().headers['accept-language'],
    ),
);

/**
 * The languages of the request's `Accept-Language`, most wanted first, as canonical tags (empty
 * without the header). Each use matches them against what it can speak: the email locales for an
 * email, the shipped locales for a message in the answer. Documents the header on the route, as
 * optional (`@Headers()` would make it required in the document).
 */
export const RequestLanguages =
  (): ParameterDecorator =>
  (target, key, index): void => {
    requestLanguages()(target, key, index);
    if (key === undefined) return;
    const method = Object.getOwnPropertyDescriptor(target, key);
    if (method) {
      ApiHeader({
        name: 'Accept-Language',
        required: false,
        description:
          "The reader's languages, most wanted first (`de-AT` matches `de`). A refused password " +
          'is explained in the first of them the module speaks, else in English; an email to an ' +
          'account with no language of its own is written in the first of them an email locale ' +
          'serves, else in the default one.',
        schema: { type: 'string', example: 'de-DE,de;q=0.9,en;q=0.8' },
      })(target, key, method);
    }
  };
