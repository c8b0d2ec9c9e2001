// Pipelines and MULTI/EXEC transactions for the small Redis client, answering like ioredis: [error, result] pairs.
import { COMMAND_NAME, flatten, NOT_COMMANDS, transformFor, type Pending, type Script } from './commands.js';
import { ReplyError, type Arg, type Reply } from './resp.js';

/** What a batch needs from its client. */
export interface BatchHost {
  sendMany(commands: Array<{ args: Arg[]; pending: Pending }>): void;
  scriptNamed(name: string): Script | undefined;
  scriptArgs(script: Script, args: Arg[]): Arg[];
  markLoaded(sha: string): void;
}

/** A pipeline (or MULTI/EXEC transaction): commands collected, sent in one write by `exec()`. */
export class Batch {
  readonly proxy: Batch;
  private readonly commands: Array<{ args: Arg[]; map?: (reply: Reply) => unknown; sha?: string }> = [];

  constructor(private readonly client: BatchHost, private readonly atomic: boolean) {
    this.proxy = new Proxy(this, {
      get: (object, prop, receiver) => {
        if (typeof prop === 'string' && !(prop in object)) {
          const script = client.scriptNamed(prop);
          if (script) {
            return (...args: unknown[]) => {
              this.commands.push({ args: client.scriptArgs(script, flatten(args)), sha: script.sha });
              return this.proxy;
            };
          }
          if (!NOT_COMMANDS.has(prop) && COMMAND_NAME.test(prop)) {
            return (...args: unknown[]) => {
              this.commands.push({ args: [prop, ...flatten(args)], map: transformFor(prop) });
              return this.proxy;
            };
          }
        }
        return Reflect.get(object, prop, receiver);
      },
    });
  }

  get length(): number {
    return this.commands.length;
  }

  /** Resolves with one `[error, result]` pair per command, like ioredis. */
  exec(): Promise<Array<[Error | null, unknown]> | null> {
    const commands = this.commands.splice(0);
    if (commands.length === 0) return Promise.resolve([]);
    return this.atomic ? this.execMulti(commands) : this.execPipeline(commands);
  }

  private execPipeline(commands: Array<{ args: Arg[]; map?: (reply: Reply) => unknown; sha?: string }>): Promise<Array<[Error | null, unknown]>> {
    const results = commands.map((command) => new Promise<[Error | null, unknown]>((resolve) => {
      this.client.sendMany([{
        args: command.args,
        pending: {
          resolve: (value) => {
            if (command.sha) this.client.markLoaded(command.sha);
            resolve(value instanceof ReplyError ? [value, null] : [null, command.map ? command.map(value as Reply) : value]);
          },
          reject: (error) => resolve([error, null]),
          keepErrors: true,
        },
      }]);
    }));
    return Promise.all(results);
  }

  private execMulti(commands: Array<{ args: Arg[]; map?: (reply: Reply) => unknown; sha?: string }>): Promise<Array<[Error | null, unknown]> | null> {
    return new Promise((resolve, reject) => {
      const ignore: Pending = { resolve: () => undefined, reject: () => undefined, keepErrors: true };
      const batch = [{ args: ['MULTI'] as Arg[], pending: ignore }, ...commands.map((c) => ({ args: c.args, pending: ignore }))];
      batch.push({
        args: ['EXEC'],
        pending: {
          resolve: (value) => {
            if (value instanceof ReplyError) return reject(value);
            if (value === null) return resolve(null);
            const replies = value as Reply[];
            resolve(replies.map((reply, i) => {
              const command = commands[i]!;
              if (reply instanceof ReplyError) return [reply, null];
              if (command.sha) this.client.markLoaded(command.sha);
              return [null, command.map ? command.map(reply) : reply];
            }));
          },
          reject,
          keepErrors: true,
        },
      });
      this.client.sendMany(batch);
    });
  }
}
