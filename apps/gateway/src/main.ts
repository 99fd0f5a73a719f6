import 'reflect-metadata';
import { EnvironmentError, loadEnvironment, type Environment } from '@plexus/config';
import { createApp } from './app.factory';

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
  await app.listen({ port: environment.PORT, host: environment.HOST });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : environment.PORT;
  process.stdout.write(`plexus: listening on http://${environment.HOST}:${port}\n`);
}

void bootstrap().catch((error: unknown) => {
  process.stderr.write(`plexus: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
