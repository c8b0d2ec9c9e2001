// Example: parallel (being built)
export {};
