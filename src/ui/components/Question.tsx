import { Box, Text } from "ink";
import { currentNote, currentPicks, helpText, offeredChoices, type QuestionNode, type WizardState } from "../../wizard/machine.js";
import { wrapWords } from "../first-paint.js";
import { ChoiceList } from "./ChoiceList.js";
import { PickList } from "./PickList.js";
import { TextField } from "./TextField.js";

/** The current question: its prompt, the choices or the input, and the help when toggled. */
export function Question({ state, node, choiceLimit, columns = 80 }: { state: WizardState; node: QuestionNode; choiceLimit?: number; columns?: number }) {
  // Wrapped here, word by word: Ink's own wrap starts a line with the space it broke at.
  const helpLines = state.showHelp ? wrapWords(helpText(node, state.answers), Math.max(20, columns - 6)) : [];
  return (
    <Box flexDirection="column">
      <Text bold>{`? ${node.prompt}`}</Text>
      <Box marginLeft={2} flexDirection="column">
        {node.type === "choice" ? (
          <ChoiceList choices={offeredChoices(node, state.answers)} cursor={state.cursor} limit={choiceLimit} />
        ) : (
          <>
            <TextField buffer={state.buffer} caret={state.caret} placeholder={node.placeholder} error={state.error} optional={node.optional} />
            <PickList picks={currentPicks(state)} index={state.pickIndex ?? -1} note={currentNote(state)} />
          </>
        )}
      </Box>
      {state.notice ? (
        <Box marginTop={1} marginLeft={2}>
          <Text color="yellow">{state.notice}</Text>
        </Box>
      ) : null}
      {state.showHelp ? (
        <Box marginTop={1} marginLeft={2} borderStyle="round" paddingX={1} alignSelf="flex-start" flexDirection="column">
          {helpLines.map((line, i) => (
            <Text key={i}>{line}</Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
