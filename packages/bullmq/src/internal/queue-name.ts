// BullMQ's rule for queue names, checked before anything touches Redis so that a bad name is a TypeError naming the option.
import { checkHost } from '@runtime-traits/core/kit';

/** A non-empty string without ':' (BullMQ joins its Redis keys with ':' and refuses such names with a plain Error). */
export function checkQueueName(value: unknown, arg: string): string {
  const name = checkHost(value, arg);
  if (name.includes(':')) throw new TypeError(`${arg} must not contain ':' (BullMQ separates its Redis keys with it), got ${JSON.stringify(name)}`);
  return name;
}
