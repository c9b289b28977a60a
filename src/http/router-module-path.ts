import type { Type } from '@nestjs/common';
import { MODULE_PATH } from '@nestjs/common/constants';
import type { RouteInfo } from '@nestjs/common/interfaces';
import type { ModulesContainer } from '@nestjs/core';

/**
 * `routes` under the path a host mounts `module` at with `RouterModule` (`v1` for
 * `RouterModule.register([{ path: 'v1', module }])`), the way Nest places the module's controllers.
 * Nest adds that path to middleware bound to a controller, not to middleware bound to a path, and the
 * module has two of those: the reference page (its path is an option) and the CORS preflights
 * (OPTIONS routes no controller has). `RouterModule` keeps the path as metadata of the module class,
 * keyed by application, as Nest's own router reads it.
 */
export function underRouterModulePath(
  modules: ModulesContainer,
  module: Type,
  routes: RouteInfo[],
): RouteInfo[] {
  const mounted: unknown =
    Reflect.getMetadata(MODULE_PATH + modules.applicationId, module) ??
    Reflect.getMetadata(MODULE_PATH, module);
  const base = typeof mounted === 'string' ? mounted.replace(/^\/+|\/+$/g, '') : '';
  if (base === '') return routes;
  return routes.map((route) => ({
    ...route,
    path: `${base}/${route.path.replace(/^\/+/, '')}`,
  }));
}
