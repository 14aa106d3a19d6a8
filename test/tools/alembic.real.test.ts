/** alembic applied and rolled back by the real tool on a real PostgreSQL (see real-suite.ts). */
import { realToolSuite } from "./real-suite.js";

realToolSuite("alembic");
