// What the root globalSetup (global-setup.ts) provides to every test file. Imported by the files
// that inject it, so each workspace that reaches them type-checks on its own.
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    redisPrefix: string;
  }
}

export {};
