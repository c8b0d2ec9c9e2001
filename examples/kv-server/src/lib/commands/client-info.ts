// One line of CLIENT INFO / CLIENT LIST: the fields Redis prints that this server can know.
import type { Session } from '../session.js';
import type { CommandContext } from './command.js';

/** `id=... addr=... laddr=... name=... age=... idle=... flags=... db=0 ... lib-name=... lib-ver=...` */
export function clientLine(session: Session, cx: Pick<CommandContext, 'server'>): string {
  const now = cx.server.clock.now();
  const fields: Array<[string, string | number]> = [
    ['id', session.id],
    ['addr', session.address],
    ['laddr', session.localAddress],
    ['name', session.name],
    ['age', Math.floor((now - session.createdAt) / 1000)],
    ['idle', Math.floor((now - session.lastCommandAt) / 1000)],
    ['flags', session.inMulti ? 'x' : 'N'],
    ['db', 0],
    ['sub', 0],
    ['psub', 0],
    ['ssub', 0],
    ['multi', session.queued?.length ?? -1],
    ['watch', session.watcher.keys.size],
    ['resp', session.resp],
    ['lib-name', session.libName],
    ['lib-ver', session.libVersion],
  ];
  return fields.map(([field, value]) => `${field}=${value}`).join(' ');
}
