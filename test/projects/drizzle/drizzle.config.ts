export default { dialect: "postgresql", out: "./drizzle", dbCredentials: { url: process.env.DATABASE_URL } };
