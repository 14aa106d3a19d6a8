/** django: what troubleshooting knows about it and how a project using it is recognised. */
import { hasFile, type ToolModule } from "./types.js";

export const django: ToolModule = {
  facts: {
    name: "Django migrations",
    historyTable: () => "django_migrations",
    historySql: () => "SELECT app, name, applied FROM django_migrations ORDER BY id DESC LIMIT 20;",
    statusCommand: "python manage.py showmigrations",
    markApplied: (v) => `python manage.py migrate <app> ${v} --fake`,
    clearFailed: (v) => `python manage.py migrate <app> ${v} --fake`,
    transactionalOnPostgres: true,
  },
  detect: (f) => hasFile(f, /^manage\.py$/) && hasFile(f, /(^|\/)migrations\/__init__\.py$/),
};
