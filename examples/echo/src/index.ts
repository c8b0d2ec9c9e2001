// Example: echo (being built)
export {};
