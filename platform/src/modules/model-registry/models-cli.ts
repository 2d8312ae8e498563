/**
 * `npm run models -- <command>`: the model registry from a shell, on the database in DATABASE_URL
 * or the embedded one under DATA_DIR (default ./data; stop the platform first for the embedded
 * one: one process opens it at a time). A running platform on PostgreSQL picks a rollback up
 * within 10 s (it polls the registry).
 *
 *   npm run models -- list
 *   npm run models -- rollback --type washer [--by "name"]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { applianceTypeSchema } from '../../../../contracts/src';
import { openDatabase } from '../../database/open-database';
import { ModelRegistryRepository } from './model-registry.repository';

const USAGE = 'usage: npm run models -- list | rollback --type <appliance type> [--by <name>]';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { type: { type: 'string' }, by: { type: 'string' } },
  });
  const command = positionals[0];
  if (command !== 'list' && command !== 'rollback') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const parsed = applianceTypeSchema.safeParse(values.type);
  if (command === 'rollback' && !parsed.success) {
    process.stderr.write(`--type: one of ${applianceTypeSchema.options.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const db = await openDatabase({
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.DATA_DIR || './data',
  });
  try {
    const repo = new ModelRegistryRepository(db);
    if (command === 'list') {
      for (const v of await repo.versions()) {
        process.stdout.write(
          `${v.type}\tv${v.version}\t${v.status}\t${v.promotedAt ? new Date(v.promotedAt).toISOString() : '-'}\t${v.reason ?? ''}\n`,
        );
      }
      return 0;
    }
    if (!parsed.success) return 2;
    const type = parsed.data;
    const actor = `cli:${values.by ?? os.userInfo().username}`;
    const result = await repo.rollback(type, actor, Date.now());
    if ('error' in result) {
      process.stderr.write(
        result.error === 'no_active'
          ? `no active version of ${type}\n`
          : `no earlier promoted version of ${type} to roll back to\n`,
      );
      return 1;
    }
    process.stdout.write(`${type}: v${result.fromVersion} -> v${result.toVersion} (by ${actor}, audited)\n`);
    return 0;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
