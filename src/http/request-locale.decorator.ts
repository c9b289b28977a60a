import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { IncomingMessage } from 'node:http';
import { localeFromAcceptLanguage } from '../i18n/locale-tags';
import { SHIPPED_LOCALES, type ShippedLocale } from '../i18n/shipped-locales';

const requestLocale = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ShippedLocale | undefined =>
    // The match is spelled as in the list it is given.
    localeFromAcceptLanguage(
      context.switchToHttp().getRequest<IncomingMessage>().headers['accept-language'],
      SHIPPED_LOCALES,
    ) as ShippedLocale | undefined,
);

/**
 * The shipped locale (`SHIPPED_LOCALES`) that best matches the request's `Accept-Language`, or
 * undefined when it matches none (or there is none): the caller then answers in English. Documents
 * the header on the route.
 */
export const RequestLocale =
  (): ParameterDecorator =>
  (target, key, index): void => {
    requestLocale()(target, key, index);
    if (key === undefined) return;
    const method = Object.getOwnPropertyDescriptor(target, key);
    if (method) {
      ApiHeader({
        name: 'Accept-Language',
        required: false,
        description:
          `The languages the reader wants, most wanted first. Messages for people (see the ` +
          `operation) are in the first of ${SHIPPED_LOCALES.join(', ')} it matches ` +
          '(`de-AT` matches `de`), in English when it matches none.',
        schema: { type: 'string', example: 'de-DE,de;q=0.9,en;q=0.8' },
      })(target, key, method);
    }
  };
