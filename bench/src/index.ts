// Side-by-side benchmarks against peers, with tables and charts. (being built)
export {};
