export * from './app.config';
export * from './auth.config';
export * from './database.config';
export * from './environment';
export * from './mail.config';
export * from './reset.config';
export * from './secret';
