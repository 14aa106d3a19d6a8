import { describe, expect, it } from "vitest";
import mysql from "mysql2/promise";
import { mariadbForFile } from "../support/mariadb-server.js";

const throwaway = mariadbForFile();

describe("throwaway MariaDB server", () => {
  it("accepts mysql2 connections on 127.0.0.1", async (t) => {
    if (!throwaway.server) return t.skip(throwaway.skip);
    throwaway.server.createDatabase("smoke");
    const c = await mysql.createConnection(throwaway.server.options("smoke"));
    const [rows] = await c.query("SELECT DATABASE() AS db, VERSION() AS v");
    await c.end();
    expect((rows as { db: string }[])[0].db).toBe("smoke");
    expect(throwaway.server.version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
