// Testing helpers for the views provider (in-process clients and the like).
export {};
