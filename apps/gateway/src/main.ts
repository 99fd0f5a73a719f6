import 'reflect-metadata';
import { EnvironmentError, loadEnvironment, type Environment } from '@plexus/config';
import { GracefulRestart } from '@plexus/management';
import { ConfigChangeBus } from '@plexus/persistence';
import { createApp } from './app.factory';
import { migrateQuotaSnapshots } from './cli/migrate-quota-snapshots.command';
import { isConfigTransferCommand, runConfigTransferCommand } from './cli/config-transfer.command';
import { migrate } from './cli/migrate.command';
import { rekey } from './cli/rekey.command';
import { GracefulShutdown } from './shutdown/graceful-shutdown';
import { ShutdownState } from './shutdown/shutdown-state';

function environmentOrExit(): Environment {
  try {
    return loadEnvironment();
  } catch (error) {
    if (error instanceof EnvironmentError) {
      process.stderr.write(`plexus: cannot start: ${error.problems.join('; ')}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function bootstrap(): Promise<void> {
  const environment = environmentOrExit();
  const app = await createApp(environment);
  // The same close as SIGTERM's (in-flight requests finish, usage is flushed), then a clean
  // exit for the process manager to restart.
  app.get(GracefulRestart).handleWith(async () => {
    app.get(ShutdownState).begin();
    await app.close();
    process.exit(0);
  });
  const bus = app.get(ConfigChangeBus);
  new GracefulShutdown(
    app,
    { delayMs: environment.SHUTDOWN_DELAY_SECONDS * 1000, timeoutMs: environment.SHUTDOWN_TIMEOUT_SECONDS * 1000 },
    () => void bus.reconcile('SIGHUP'),
  ).install();
  await app.listen({ port: environment.PORT, host: environment.HOST });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : environment.PORT;
  process.stdout.write(`plexus: listening on http://${environment.HOST}:${port}\n`);
}

async function main(): Promise<void> {
  if (process.argv[2] === 'migrate-quota-snapshots') {
    process.stdout.write(`plexus: ${await migrateQuotaSnapshots(process.env)}\n`);
    return;
  }
  if (process.argv[2] === 'migrate') {
    process.stdout.write(`plexus: ${await migrate(process.env)}\n`);
    return;
  }
  if (process.argv[2] === 'rekey') {
    process.stdout.write(`plexus: ${await rekey(process.env)}\n`);
    return;
  }
  const command = process.argv[2];
  if (isConfigTransferCommand(command)) {
    const outcome = await runConfigTransferCommand(command, process.argv.slice(3), process.env);
    // With the backup itself on stdout (`backup -`), the note goes to stderr.
    (outcome.toStderr ? process.stderr : process.stdout).write(`plexus: ${outcome.message}\n`);
    return;
  }
  await bootstrap();
}

void main().catch((error: unknown) => {
  // One line with the reason; the stack only when asked for.
  const verbose = process.env['LOG_LEVEL'] === 'debug' || process.env['LOG_LEVEL'] === 'trace';
  const reason = error instanceof Error ? (verbose ? (error.stack ?? error.message) : error.message) : String(error);
  process.stderr.write(`plexus: failed: ${reason}\n`);
  process.exit(1);
});
