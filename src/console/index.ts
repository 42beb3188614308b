export { createConsole } from './console-app';
export type { ConsoleDeps } from './deps';
