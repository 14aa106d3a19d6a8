import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mysql from "mysql2/promise";
import { startMariadb, type MariadbServer } from "../support/mariadb-server.js";

let server: MariadbServer | null = null;
let skip = "";
beforeAll(async () => {
  const s = await startMariadb();
  if ("reason" in s) skip = s.reason;
  else server = s;
}, 120_000);
afterAll(async () => server?.stop());

describe("throwaway MariaDB server", () => {
  it("accepts mysql2 connections on 127.0.0.1", async (t) => {
    if (!server) return t.skip(skip);
    server.createDatabase("smoke");
    const c = await mysql.createConnection(server.options("smoke"));
    const [rows] = await c.query("SELECT DATABASE() AS db, VERSION() AS v");
    await c.end();
    expect((rows as { db: string }[])[0].db).toBe("smoke");
    expect(server.version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
