/** Two branches both added migrations: several heads, or two files with the same number. */
import { toolFacts } from "../tools.js";
import type { Diagnosis, RepairStep } from "./types.js";

const CHECK: Record<string, string> = {
  alembic: "alembic heads --verbose",
  django: "python manage.py makemigrations --check --dry-run",
  flyway: "flyway info",
  "golang-migrate": "ls migrations | cut -d_ -f1 | sort | uniq -d",
  goose: 'goose -dir migrations "$GOOSE_DRIVER" "$GOOSE_DBSTRING" status',
  dbmate: "dbmate status",
};

export const multipleHeads: Diagnosis = {
  id: "multiple-heads",
  title: "Multiple heads or conflicting migration numbers",
  build(input) {
    const { tool, engine } = input;
    const facts = toolFacts(tool);
    let steps: RepairStep[];
    let key: string;
    switch (tool) {
      case "alembic":
        key = 'alembic merge -m "merge heads" heads';
        steps = [
          { text: "List the heads:", command: "alembic heads --verbose" },
          { text: "If the two branches touch different things, create a merge revision whose down_revision is both heads:", command: key },
          { text: "If they conflict (same table, same column), instead rebase one: set its down_revision to the other head.", },
          { text: "Apply:", command: "alembic upgrade head" },
        ];
        break;
      case "django":
        key = "python manage.py makemigrations --merge";
        steps = [
          { text: "See the leaf nodes Django found:", command: "python manage.py showmigrations <app>" },
          { text: "Create a merge migration (it depends on both leaves):", command: key },
          { text: "Apply:", command: "python manage.py migrate" },
        ];
        break;
      case "flyway":
      case "golang-migrate":
      case "dbmate":
      case "goose":
        key = tool === "goose" ? "goose -dir migrations fix" : "git mv <the unapplied duplicate> <next free number>";
        steps = [
          { text: "Find the two files with the same version number (or, for timestamps, the one that landed out of order)." },
          { text: "Renumber the one that has not been applied anywhere to the next free number; never renumber one that ran in production.", command: key },
          ...(tool === "flyway" ? [{ text: "If an older number must run after newer ones, run once with out-of-order allowed:", command: "flyway migrate -outOfOrder=true" }] : []),
        ];
        break;
      default:
        key = facts.statusCommand;
        steps = [
          { text: "Find the migrations both branches added (the newest files and the history table)." },
          { text: "If they are independent, give the later-merged one a newer timestamp or number so the order is explicit; if they touch the same objects, rewrite the later one on top of the other." },
          { text: "Check the order and apply:", command: facts.statusCommand },
        ];
    }
    return {
      id: this.id,
      title: this.title,
      summary: `Two branches each added migrations from the same parent: ${key}`,
      what: [
        "Migrations form a chain (or a graph). When two branches each add a migration on top of the same parent and both are merged, the chain forks: Alembic reports \"Multiple head revisions are present\", Django \"Conflicting migrations detected; multiple leaf nodes\", numbered tools find two files with the same version.",
        "The tool refuses to guess the order, because the two migrations may depend on each other's changes.",
      ],
      confirm: [
        { purpose: "What the tool sees", command: CHECK[tool ?? ""] ?? "git log --diff-filter=A --name-only --format= -- <migrations folder> | sort | uniq -d", expect: "Two heads, two leaves, or two files with one number." },
        ...(tool && facts.historySql
          ? [{ purpose: `Which of the two the database has already applied (${facts.historyTable!(engine)})`, sql: facts.historySql(engine), expect: "A migration already applied somewhere must keep its identity; change the other one.", history: true }]
          : []),
      ],
      repair: steps,
      avoid: [
        "Do not delete one of the migrations to make the error go away if any environment applied it.",
        "Do not renumber or rename a migration that ran in production.",
      ],
      prevent: [
        "Add a CI check that fails on more than one head (alembic heads, makemigrations --check, duplicate numbers).",
        "Use timestamps instead of sequence numbers where the tool allows it.",
        "Rebase migration branches on main right before merging.",
      ],
      keyCommand: key,
    };
  },
};
