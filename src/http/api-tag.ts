import type { Type } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';

/**
 * Puts every route of `controllers` under `tag` in any OpenAPI document built afterwards. `@ApiTags`
 * is a class decorator, fixed when the class loads, while the tag is an option that may come from
 * `forRootAsync`; so the module sets the same metadata once its settings are resolved. It replaces
 * rather than adds (`@ApiTags` appends), so resolving twice still leaves one tag. The controllers
 * are shared by every instance of the module in a process: the last resolved tag is the one used.
 */
export function tagControllers(controllers: Type[], tag: string): void {
  for (const controller of controllers) {
    Reflect.defineMetadata(DECORATORS.API_TAGS, [tag], controller);
  }
}
