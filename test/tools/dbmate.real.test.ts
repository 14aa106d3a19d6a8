/** dbmate (the npm package ships its binary) applied and rolled back for real on a real PostgreSQL (see real-suite.ts). */
import { realToolSuite } from "./real-suite.js";

realToolSuite("dbmate");
