/** @livemig/ctl: the QMP client, the progress renderer and watch, for livemig-ctl and scripts. */
export * from './connect-address';
export * from './qmp-client';
export * from './progress-format';
export * from './progress';
export * from './watch';
