/** What the MySQL/MariaDB readers share: how a query is run, and which server answers. */
import type { Row } from "./pg-reader.js";

/** Runs one SQL text with `?` parameters, returns its rows. */
export type MysqlQuery = (sql: string, params?: unknown[]) => Promise<Row[]>;

export type Product = "mysql" | "mariadb";

/** MariaDB says so in VERSION(); every other MySQL-protocol server is read as MySQL. */
export const productOf = (version: string): Product => (/mariadb/i.test(version) ? "mariadb" : "mysql");
