// The migrations live in db/migrations, not Knex's default folder: --project reads it from here.
module.exports = {
  client: "pg",
  connection: process.env.DATABASE_URL,
  migrations: { directory: "./db/migrations" },
};
