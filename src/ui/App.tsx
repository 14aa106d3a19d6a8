/**
 * The root: owns the machine state, the single key handler and the end of the run.
 * Components below only draw; every key goes through keys.ts into the pure machine.
 */
import { Box, Text, useApp, useInput, useStdout } from "ink";
import { useEffect, useReducer, useState } from "react";
import type { Answers } from "../answers/schema.js";
import type { TreeSet } from "../trees/model.js";
import { answeredLines, currentPicks, currentQuestion, offeredChoices, reduce, start, type PartialAnswers, type QuestionNode, type WizardState } from "../wizard/machine.js";
import { Answered } from "./components/Answered.js";
import { Header } from "./components/Header.js";
import { OutcomeView, type Outcome } from "./components/Outcome.js";
import { Question } from "./components/Question.js";
import { Summary } from "./components/Summary.js";
import type { Catalog } from "../wizard/catalog.js";
import { keyContext, keyToEvent, LEGEND, splitKeys, type KeyPress } from "./keys.js";

export interface FinishResult {
  /** What to show above the files: the diagnosis, as the non-interactive run prints it. */
  report?: string;
  files: string[];
  nextSteps: string[];
}

export interface AppProps {
  trees: TreeSet;
  mode: string;
  prefill?: PartialAnswers;
  /** With a schema snapshot: tables and columns to pick from. */
  catalog?: Catalog;
  /** Called once, after the summary is confirmed: writes the files and says what to do next. */
  onFinish: (result: { outcome: string; answers: Answers }) => Promise<FinishResult>;
  /** Called once with the exit code (0 written, 1 failed, 130 cancelled) just before the app exits. */
  onExit?: (code: number) => void;
}

// Keys are mapped against the state they apply to, never a stale copy from an earlier render;
// a chunk of several backspaces is several presses, each mapped against the state the last one left.
function applyKey(state: WizardState, { input, key }: KeyPress): WizardState {
  return splitKeys(input, key, state).reduce((current, press) => {
    const event = keyToEvent(press.input, press.key, current);
    return event ? reduce(current, event) : current;
  }, state);
}

/**
 * How many choices and answered lines fit, so a frame stays shorter than the terminal (a taller frame
 * makes Ink clear the screen on every key). Unknown height: no limits.
 */
function rowBudget(state: WizardState, node: QuestionNode, rows: number | undefined, columns: number) {
  if (!rows) return {};
  const chrome = 11; // title, progress, prompt, a wrapped hint, error, legend and the margins between them
  const helpRows = state.showHelp ? Math.ceil(node.help.length / Math.max(20, columns - 8)) + 3 : 0;
  const choiceCount = node.type === "choice" ? offeredChoices(node, state.answers).length : 0;
  const choiceLimit = Math.max(5, rows - chrome - helpRows - 4);
  // An input's pick list from the database: its note, heading, up to 6 names and the "more" lines.
  const picks = node.type === "input" ? currentPicks(state).length : 0;
  const shownChoices = Math.min(choiceCount, choiceLimit) + (choiceCount > choiceLimit ? 2 : 0) + (picks ? Math.min(picks, 6) + 4 : 0);
  return { choiceLimit, answeredLimit: Math.max(1, rows - chrome - helpRows - shownChoices - 1) };
}

const EXIT_CODE: Record<Outcome["kind"], number | undefined> = { writing: undefined, written: 0, failed: 1, cancelled: 130 };

export function App({ trees, mode, prefill, catalog, onFinish, onExit }: AppProps) {
  const [state, dispatch] = useReducer(applyKey, undefined, () => start(trees, mode, prefill, catalog));
  const [outcome, setOutcome] = useState<Outcome>();
  const { exit } = useApp();
  const { stdout } = useStdout();

  useInput((input, key) => {
    if (!outcome) dispatch({ input, key });
  });

  useEffect(() => {
    if (state.screen === "cancelled") setOutcome({ kind: "cancelled" });
    if (state.screen !== "done" || !state.result) return;
    setOutcome({ kind: "writing" });
    onFinish(state.result).then(
      (written) => setOutcome({ kind: "written", ...written }),
      (error: unknown) => setOutcome({ kind: "failed", message: error instanceof Error ? error.message : String(error) }),
    );
    // Runs once per screen change: `done` and `cancelled` are final.
  }, [state.screen]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const code = outcome && EXIT_CODE[outcome.kind];
    if (code === undefined) return;
    onExit?.(code);
    exit();
  }, [outcome]); // eslint-disable-line react-hooks/exhaustive-deps

  const node = currentQuestion(state);
  const fileTitle = node ? trees.files.find((f) => f.name === node.tree)?.title : undefined;
  const title = `migration-wizard${fileTitle ? ` · ${fileTitle}` : ""}`;

  if (outcome) {
    return (
      <Box flexDirection="column">
        <Header title="migration-wizard" />
        <OutcomeView outcome={outcome} />
      </Box>
    );
  }

  const lines = answeredLines(state);
  const budget = node ? rowBudget(state, node, stdout.rows, stdout.columns || 80) : {};
  const finishLabel = state.outcome?.startsWith("diagnosis:") ? "Show the diagnosis" : "Write the files";
  return (
    <Box flexDirection="column">
      <Header title={title} step={node ? state.step : undefined} total={node ? state.total : undefined} />
      {node ? (
        <>
          <Answered lines={lines} limit={budget.answeredLimit} />
          <Question state={state} node={node} choiceLimit={budget.choiceLimit} columns={stdout.columns || 80} />
        </>
      ) : (
        <Summary lines={lines} cursor={state.cursor} finishLabel={finishLabel} columns={stdout.columns || 80} />
      )}
      <Box marginTop={1}>
        <Text dimColor>{LEGEND[keyContext(state)]}</Text>
      </Box>
    </Box>
  );
}
