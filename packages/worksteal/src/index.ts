// Multi-threaded work-stealing runtime on worker_threads and SharedArrayBuffer. (being built)
export {};
