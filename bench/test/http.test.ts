// The http benchmark reads wrk's --latency output right: requests/s, the 99% line in any unit, and refuses runs with errors.
import { expect } from 'chai';
import { parseWrk } from '../src/benches/http.js';

const run = (p99: string, extra = ''): string => `Running 10s test @ http://127.0.0.1:1/hello
  2 threads and 64 connections
  Latency Distribution
     50%    1.21ms
     75%    2.02ms
     90%    3.50ms
     99%    ${p99}
  287104 requests in 10.01s, 50.10MB read
${extra}Requests/sec:  28682.31
Transfer/sec:      5.01MB
`;

describe('http bench: parseWrk', () => {
  it('reads requests/s and the p99 in ms, whatever unit wrk printed', () => {
    expect(parseWrk(run('111.50ms'))).to.deep.equal({ rps: 28682.31, p99Ms: 111.5 });
    expect(parseWrk(run('850.00us')).p99Ms).to.be.closeTo(0.85, 1e-9);
    expect(parseWrk(run('1.20s')).p99Ms).to.be.closeTo(1200, 1e-9);
  });

  it('refuses a run with socket errors or non-2xx answers, and output it cannot read', () => {
    expect(() => parseWrk(run('3ms', '  Socket errors: connect 0, read 12, write 0, timeout 0\n'))).to.throw(/wrk saw errors/);
    expect(() => parseWrk(run('3ms', '  Non-2xx or 3xx responses: 5\n'))).to.throw(/wrk saw errors/);
    expect(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused')).to.throw(/unreadable wrk output/);
  });
});
