// Counts unhandled promise rejections during a describe block (a refused or reset socket must never produce one).
export function watchRejections(): { count(): number } {
  let count = 0;
  const onRejection = (): void => { count++; };
  before(() => { process.on('unhandledRejection', onRejection); });
  after(() => { process.off('unhandledRejection', onRejection); });
  return { count: () => count };
}
