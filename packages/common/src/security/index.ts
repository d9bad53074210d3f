export * from './auth';
export * from './secret-files';
export * from './control-auth';
export * from './origin-check';
