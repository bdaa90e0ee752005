// `npm run generate`: Prisma clients and resolver types for every service.
import { generateAll } from './lib/generate.ts';

try {
  generateAll();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
