// A small run of the kill soak (test/soak/kill-soak.ts): worker processes SIGKILLed and restarted
// while tasks flow; every result arrives exactly once and none is lost.
import { expect } from 'chai';
import { killSoak } from './soak/kill-soak.js';

describe('BullMQ runtime while its worker processes are killed (quick soak)', function () {
  this.timeout(300_000);

  it('should deliver every task\'s result exactly once: its value, or WorkerCrashedError, never lost or doubled', async () => {
    const report = await killSoak({ tasks: 1500, killEveryMs: 700, workers: 2, taskMs: 20, deadlineMs: 240_000 });
    expect(report.kills, 'workers were killed mid-run').to.be.at.least(2);
    expect(report.wrong).to.deep.equal([]);
    expect(report).to.include({ tasks: 1500, duplicated: 0, lost: 0, neverRan: 0 });
    expect(report.completed + report.crashed).to.equal(1500);
  });
});
