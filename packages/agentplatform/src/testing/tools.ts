// Testing helpers for the tools provider (in-process clients and the like).
export {};
