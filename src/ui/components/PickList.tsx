import { Box, Text } from "ink";
import type { PickLine } from "../../wizard/catalog.js";
import { windowStart } from "./ChoiceList.js";

/**
 * Names read from the database under a text question, filtered by what is typed: ↑/↓ focus one (Enter takes
 * it), and any other name can still be typed. Draw-only: the list and the focus come from the machine.
 */
export function PickList({ picks, index, note, limit = 6 }: { picks: PickLine[]; index: number; note?: string; limit?: number }) {
  const first = windowStart(picks.length, Math.max(0, index), limit);
  const shown = picks.slice(first, first + limit);
  const below = picks.length - first - shown.length;
  return (
    <Box flexDirection="column">
      {note ? <Text color="green">{note}</Text> : null}
      {picks.length ? <Text dimColor>{"from the database (↑/↓ pick, or type any name):"}</Text> : null}
      {first > 0 ? <Text dimColor>{`  ↑ ${first} more`}</Text> : null}
      {shown.map((p, offset) => {
        const focused = first + offset === index;
        return (
          <Text key={p.value} color={focused ? "cyan" : undefined}>
            {`${focused ? "❯" : " "} ${p.value}`}
            <Text dimColor>{`  ${p.detail}`}</Text>
          </Text>
        );
      })}
      {below > 0 ? <Text dimColor>{`  ↓ ${below} more`}</Text> : null}
    </Box>
  );
}
