import { Inject, Injectable } from '@nestjs/common';
import type { AddressObject, ParsedMail, SimpleParserOptions } from 'mailparser';
import { constants } from 'node:fs';
import { FileHandle, open, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MAIL_CONFIG, type MailConfig } from '../config/mail.config';

/**
 * The file stems the dev mailbox transport (`../mail/dev-mailbox.transport.ts`) writes: the ISO time
 * with `:` and `.` as `-`, then 8 hex digits. Nothing else is ever an id, so an id holds no `/`, `\`,
 * `.` or `%` and cannot name a path outside the folder.
 */
export const MAILBOX_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-[0-9a-f]{8}$/;

/** One line of the mailbox's list. */
export interface MailboxSummary {
  id: string;
  subject: string;
  to: string;
  /** When the transport wrote the message (from its file name; the list is ordered by it). */
  time: Date;
  /** The language it is written in, as its `Content-Language` header says (absent without one). */
  language?: string;
}

/** One message with its parts and its top-level headers as they are in the file. */
export interface MailboxMessage extends MailboxSummary {
  from: string;
  html?: string;
  text?: string;
  headers: { name: string; value: string }[];
}

/** The newest messages and how many the folder holds. */
export interface MailboxListing {
  dir: string;
  messages: MailboxSummary[];
  total: number;
}

/** The list shows this many; older messages stay in the folder. */
export const MAILBOX_LIST_LIMIT = 200;
/** The list reads only the header block, found in the first bytes of each file. */
const HEAD_BYTES = 64 * 1024;
// Links and cid: images are the pages' business; the parser need not rewrite either part.
const PARSER_OPTIONS: SimpleParserOptions = { skipHtmlToText: true, skipTextToHtml: true };
// A symbolic link in the folder is not a message the transport wrote: never follow one.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * Reads the dev mailbox folder: the `.eml` files the transport wrote, parsed with mailparser, which
 * decodes what a hand-written parser would get wrong (encoded words in headers, quoted-printable and
 * base64 bodies, charsets, multipart boundaries). It is loaded on first use, so an instance that never
 * shows the mailbox never loads it.
 */
@Injectable()
export class DevMailboxService {
  private readonly dir: string;

  constructor(@Inject(MAIL_CONFIG) config: MailConfig) {
    if (config.transport.kind !== 'dev-mailbox')
      throw new Error('The dev mailbox pages need the dev mailbox transport (SMTP_HOST unset)');
    this.dir = resolve(config.transport.dir);
  }

  /** The newest messages first, at most {@link MAILBOX_LIST_LIMIT}. */
  async list(): Promise<MailboxListing> {
    const ids = (await this.ids()).sort().reverse();
    const newest = await Promise.all(
      ids.slice(0, MAILBOX_LIST_LIMIT).map((id) => this.summary(id)),
    );
    return {
      dir: this.dir,
      messages: newest.filter((summary) => summary !== null),
      total: ids.length,
    };
  }

  /** The message stored under `id`, or null when there is none (or `id` is not an id at all). */
  async read(id: string): Promise<MailboxMessage | null> {
    const raw = await this.readFile(id);
    if (raw === null) return null;
    const parsed = await parse(raw);
    return {
      ...summaryOf(id, parsed),
      from: addresses(parsed.from),
      html: parsed.html === false ? undefined : parsed.html,
      text: parsed.text,
      headers: parsed.headerLines.map(({ line }) => headerOf(line)),
    };
  }

  private async ids(): Promise<string[]> {
    try {
      const entries = await readdir(this.dir, { withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile() && entry.name.endsWith('.eml'))
        .map((entry) => entry.name.slice(0, -'.eml'.length))
        .filter((stem) => MAILBOX_ID.test(stem));
    } catch (error) {
      // The transport creates the folder with the first message.
      if (isMissing(error)) return [];
      throw error;
    }
  }

  private async summary(id: string): Promise<MailboxSummary | null> {
    const head = await this.readFile(id, HEAD_BYTES);
    return head === null ? null : summaryOf(id, await parse(headerBlock(head)));
  }

  /** The file's bytes (its first `limit` bytes when given), or null when it is not a message here. */
  private async readFile(id: string, limit?: number): Promise<Buffer | null> {
    if (!MAILBOX_ID.test(id)) return null;
    const path = join(this.dir, `${id}.eml`);
    // The pattern already rules out separators; this keeps the folder the boundary whatever changes.
    if (dirname(path) !== this.dir) return null;
    let file: FileHandle;
    try {
      file = await open(path, OPEN_FLAGS);
    } catch (error) {
      // ELOOP: a symbolic link; ENOENT: deleted, or never there.
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ELOOP') return null;
      throw error;
    }
    try {
      if (!(await file.stat()).isFile()) return null;
      if (limit === undefined) return await file.readFile();
      const buffer = Buffer.alloc(limit);
      const { bytesRead } = await file.read(buffer, 0, limit, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }
}

async function parse(raw: Buffer): Promise<ParsedMail> {
  const { simpleParser } = await import('mailparser');
  return simpleParser(raw, PARSER_OPTIONS);
}

function summaryOf(id: string, parsed: ParsedMail): MailboxSummary {
  return {
    id,
    subject: parsed.subject ?? '',
    to: addresses(parsed.to),
    time: timeOf(id),
    language: contentLanguage(parsed),
  };
}

/** The `Content-Language` header's value, if it has one. */
function contentLanguage(parsed: ParsedMail): string | undefined {
  const value = parsed.headers.get('content-language');
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `2025-01-31T09-15-00-123Z-…` was written at 2025-01-31T09:15:00.123Z. */
function timeOf(id: string): Date {
  const [, date, hours, minutes, seconds, millis] =
    /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z/.exec(id) ?? [];
  return new Date(`${date}T${hours}:${minutes}:${seconds}.${millis}Z`);
}

function addresses(field: AddressObject | AddressObject[] | undefined): string {
  if (field === undefined) return '';
  return (Array.isArray(field) ? field : [field]).map((address) => address.text).join(', ');
}

/** The header block of a message's first bytes: up to the first empty line. */
function headerBlock(head: Buffer): Buffer {
  const crlf = head.indexOf('\r\n\r\n');
  if (crlf !== -1) return head.subarray(0, crlf + 4);
  const lf = head.indexOf('\n\n');
  return lf === -1 ? head : head.subarray(0, lf + 2);
}

/** A raw header line as name and value, unfolded, undecoded: the headers exactly as sent. */
function headerOf(line: string): { name: string; value: string } {
  const colon = line.indexOf(':');
  const unfolded = line.replace(/\r?\n[ \t]+/g, ' ');
  return colon === -1
    ? { name: '', value: unfolded.trim() }
    : { name: line.slice(0, colon).trim(), value: unfolded.slice(colon + 1).trim() };
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
