/**
 * Told about every database statement the store runs (for metrics). The store knows nothing of what
 * the observer does with it; `operation` is select, insert, update, delete or other.
 */
export interface StatementObserver {
  statement(operation: StatementOperation, seconds: number, failed: boolean): void;
}

export type StatementOperation = 'select' | 'insert' | 'update' | 'delete' | 'other';
