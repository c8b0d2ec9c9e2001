// The echo app: picks a runtime from --runtime or RUNTIME, wires it with inversify, does one round trip.
//
//   npm run build && node examples/echo/dist/src/main.js --runtime worksteal
//   RUNTIME=local node examples/echo/dist/src/main.js
import { Container } from 'inversify';
import { loadRuntime, runtimeModule } from '@runtime-traits/inversify';
import type { RuntimeName } from '@runtime-traits/inversify';
import { EchoService } from './lib/index.js';

const flag = process.argv.indexOf('--runtime');
const name = flag >= 0 ? process.argv[flag + 1] ?? '' : process.env.RUNTIME ?? 'node'; // a bare --runtime is an error, not node

const runtime = await loadRuntime(name as RuntimeName).catch((error: unknown) => {
  // loadRuntime names its own argument ('name'); the user typed --runtime (or RUNTIME).
  console.error(`echo: --runtime: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
const module = runtimeModule(runtime);
const container = new Container();
container.load(module);
container.bind(EchoService).toSelf();

const echo = container.get(EchoService);
await runtime.run(async () => {
  const address = await echo.listen({ port: 0 });
  const message = `hello from the ${runtime.name} runtime`;
  const reply = await echo.roundTrip(address, message);
  console.log(`echo server at ${JSON.stringify(address)}`);
  console.log(`sent:     ${message}`);
  console.log(`received: ${reply}`);
  await echo.close();
});
await container.unloadAsync(module); // shuts the runtime down; the process then exits by itself
