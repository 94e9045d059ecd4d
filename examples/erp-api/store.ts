import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface Customer {
  id: string;
  name: string;
  email: string | null;
  city: string | null;
  createdAt: string;
  updatedAt: string;
}

export type OrderStatus = 'draft' | 'confirmed' | 'shipped' | 'cancelled';

export interface SalesOrder {
  id: string;
  number: string;
  customerId: string;
  customerName: string;
  description: string;
  /** amount in cents */
  amountCents: number;
  currency: string;
  status: OrderStatus;
  createdAt: string;
  updatedAt: string;
}

const SAMPLE_CUSTOMERS = [
  { name: 'Northwind Traders', email: 'orders@northwind.example', city: 'Seattle' },
  { name: 'Contoso Pharmaceuticals', email: 'purchasing@contoso.example', city: 'Basel' },
  { name: 'Fabrikam Furniture', email: null, city: 'Plovdiv' },
];

/**
 * The ERP API's data: customers (shared by the company's internal users) and sales orders (each
 * owned by the user who created it, i.e. the token's `sub`). A real SQLite file.
 */
export class ErpStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(`
      create table if not exists customers (
        id text primary key, name text not null, email text, city text,
        created_at text not null, updated_at text not null);
      create table if not exists sales_orders (
        id text primary key, seq integer not null unique, owner_sub text not null,
        customer_id text not null references customers(id) on delete restrict,
        description text not null, amount_cents integer not null, currency text not null,
        status text not null, created_at text not null, updated_at text not null);
      create index if not exists sales_orders_owner on sales_orders(owner_sub, created_at);
    `);
    const count = this.db.prepare('select count(*) as n from customers').get() as { n: number };
    if (count.n === 0) for (const customer of SAMPLE_CUSTOMERS) this.createCustomer(customer);
  }

  close(): void {
    this.db.close();
  }

  listCustomers(): Customer[] {
    return (this.db.prepare('select * from customers order by name').all() as CustomerRow[]).map(toCustomer);
  }

  getCustomer(id: string): Customer | undefined {
    const row = this.db.prepare('select * from customers where id = ?').get(id) as CustomerRow | undefined;
    return row ? toCustomer(row) : undefined;
  }

  createCustomer(input: { name: string; email?: string | null; city?: string | null }): Customer {
    const now = new Date().toISOString();
    const id = randomUUID();
    this.db
      .prepare('insert into customers (id, name, email, city, created_at, updated_at) values (?, ?, ?, ?, ?, ?)')
      .run(id, input.name, input.email ?? null, input.city ?? null, now, now);
    return this.getCustomer(id)!;
  }

  updateCustomer(id: string, input: { name: string; email?: string | null; city?: string | null }): Customer | undefined {
    const result = this.db
      .prepare('update customers set name = ?, email = ?, city = ?, updated_at = ? where id = ?')
      .run(input.name, input.email ?? null, input.city ?? null, new Date().toISOString(), id);
    return result.changes === 1 ? this.getCustomer(id) : undefined;
  }

  /** 'deleted', 'not_found', or 'in_use' when sales orders still refer to the customer. */
  deleteCustomer(id: string): 'deleted' | 'not_found' | 'in_use' {
    const used = this.db.prepare('select 1 from sales_orders where customer_id = ? limit 1').get(id);
    if (used) return 'in_use';
    return this.db.prepare('delete from customers where id = ?').run(id).changes === 1 ? 'deleted' : 'not_found';
  }

  listOrders(ownerSub: string): SalesOrder[] {
    return (this.db.prepare(`${ORDER_SELECT} where o.owner_sub = ? order by o.seq`).all(ownerSub) as OrderRow[]).map(toOrder);
  }

  getOrder(ownerSub: string, id: string): SalesOrder | undefined {
    const row = this.db.prepare(`${ORDER_SELECT} where o.owner_sub = ? and o.id = ?`).get(ownerSub, id) as OrderRow | undefined;
    return row ? toOrder(row) : undefined;
  }

  createOrder(
    ownerSub: string,
    input: { customerId: string; description: string; amountCents: number; currency: string; status: OrderStatus },
  ): SalesOrder {
    const id = randomUUID();
    const now = new Date().toISOString();
    this.db.transaction(() => {
      const next = this.db.prepare('select coalesce(max(seq), 0) + 1 as n from sales_orders').get() as { n: number };
      this.db
        .prepare(
          `insert into sales_orders (id, seq, owner_sub, customer_id, description, amount_cents, currency, status, created_at, updated_at)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, next.n, ownerSub, input.customerId, input.description, input.amountCents, input.currency, input.status, now, now);
    })();
    return this.getOrder(ownerSub, id)!;
  }

  updateOrder(
    ownerSub: string,
    id: string,
    input: { customerId: string; description: string; amountCents: number; currency: string; status: OrderStatus },
  ): SalesOrder | undefined {
    const result = this.db
      .prepare(
        `update sales_orders set customer_id = ?, description = ?, amount_cents = ?, currency = ?, status = ?, updated_at = ?
         where id = ? and owner_sub = ?`,
      )
      .run(input.customerId, input.description, input.amountCents, input.currency, input.status, new Date().toISOString(), id, ownerSub);
    return result.changes === 1 ? this.getOrder(ownerSub, id) : undefined;
  }

  deleteOrder(ownerSub: string, id: string): boolean {
    return this.db.prepare('delete from sales_orders where id = ? and owner_sub = ?').run(id, ownerSub).changes === 1;
  }
}

const ORDER_SELECT = `select o.*, 'SO-' || substr('0000' || o.seq, -5) as number, c.name as customer_name from sales_orders o join customers c on c.id = o.customer_id`;

interface CustomerRow {
  id: string;
  name: string;
  email: string | null;
  city: string | null;
  created_at: string;
  updated_at: string;
}

interface OrderRow {
  id: string;
  number: string;
  customer_id: string;
  customer_name: string;
  description: string;
  amount_cents: number;
  currency: string;
  status: OrderStatus;
  created_at: string;
  updated_at: string;
}

function toCustomer(row: CustomerRow): Customer {
  return { id: row.id, name: row.name, email: row.email, city: row.city, createdAt: row.created_at, updatedAt: row.updated_at };
}

function toOrder(row: OrderRow): SalesOrder {
  return {
    id: row.id,
    number: row.number,
    customerId: row.customer_id,
    customerName: row.customer_name,
    description: row.description,
    amountCents: row.amount_cents,
    currency: row.currency,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
