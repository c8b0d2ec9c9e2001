// Polls a condition (a file appearing, a job reaching Redis) until it holds, or fails after a generous limit.
export async function waitFor(condition: () => boolean | Promise<boolean>, what = 'condition', limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
