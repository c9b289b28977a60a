import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { resetConfig } from '../config/reset.config';

/**
 * Builds links from configuration only, never from a request's Host or Forwarded headers. The token
 * rides in the fragment, which browsers never send to a server nor put in a Referer.
 */
@Injectable()
export class ResetLinks {
  constructor(@Inject(resetConfig.KEY) private readonly config: ConfigType<typeof resetConfig>) {}

  resetLink(token: string): string {
    return `${this.pageUrl()}#token=${token}`;
  }

  /** The reset page without a token, where someone can ask for a new link. */
  pageUrl(): string {
    return `${this.config.frontendUrl}${this.config.resetPath}`;
  }
}
