import { Controller, Get, Header, NotFoundException, Param, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  framedHtmlPart,
  HTML_PART_SANDBOX,
  listPage,
  messagePage,
  notFoundPage,
} from './dev-mailbox.pages';
import { DevMailboxService } from './dev-mailbox.service';
import { LoopbackClientsGuard } from './loopback-clients.guard';
import { MAILBOX_STYLESHEET } from './mailbox.stylesheet';

const HTML = 'text/html; charset=utf-8';
// Reset emails carry live links: no page showing one is kept by a browser or a proxy.
const NO_STORE = 'no-store';

/**
 * The HTML part's own policy, replacing helmet's on that route: a sandbox (an opaque origin, so it
 * cannot read the mailbox; no scripts, forms or plugins), nothing loaded but `data:` images and the
 * email's inline styles, and framed only by the mailbox page.
 */
export const HTML_PART_POLICY = [
  `sandbox ${HTML_PART_SANDBOX}`,
  "default-src 'none'",
  'img-src data:',
  "style-src 'unsafe-inline'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * The dev mailbox pages: server-rendered HTML, for development only, not part of the API, and for
 * clients on this machine only (whatever HOST the service listens on).
 */
@ApiExcludeController()
@Controller('dev/mailbox')
@UseGuards(LoopbackClientsGuard)
export class DevMailboxController {
  constructor(private readonly mailbox: DevMailboxService) {}

  @Get()
  @Header('Content-Type', HTML)
  @Header('Cache-Control', NO_STORE)
  async list(): Promise<string> {
    return listPage(await this.mailbox.list());
  }

  // Two segments and not ending in `html`: neither `:id` nor `:id/html` can take it for an id.
  @Get('assets/mailbox.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  stylesheet(): string {
    return MAILBOX_STYLESHEET;
  }

  @Get(':id')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', NO_STORE)
  async message(
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const message = await this.mailbox.read(id);
    if (message !== null) return messagePage(message);
    response.status(404);
    return notFoundPage();
  }

  @Get(':id/html')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', NO_STORE)
  @Header('Content-Security-Policy', HTML_PART_POLICY)
  async htmlPart(@Param('id') id: string): Promise<string> {
    const message = await this.mailbox.read(id);
    if (message?.html === undefined) throw new NotFoundException();
    return framedHtmlPart(message.html);
  }
}
