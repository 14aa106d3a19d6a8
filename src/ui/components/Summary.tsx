import { Box, Text } from "ink";
import type { AnsweredLine } from "../../wizard/machine.js";

/**
 * Every answer on its own line plus the final action; the focused line is the one Enter acts on.
 * Prompt and value are two columns, so a long value (or a narrow terminal) wraps inside its own
 * column instead of under the labels.
 */
export function Summary({ lines, cursor, finishLabel, columns = 80 }: { lines: AnsweredLine[]; cursor: number; finishLabel: string; columns?: number }) {
  const longest = Math.max(...lines.map((l) => l.prompt.length), 0);
  const width = Math.max(12, Math.min(48, longest, Math.floor((columns - 8) / 2)));
  return (
    <Box flexDirection="column">
      <Text bold>Review your answers</Text>
      <Box flexDirection="column" marginLeft={2} marginTop={1}>
        {lines.map((line, index) => {
          const color = index === cursor ? "cyan" : undefined;
          return (
            <Box key={line.nodeId}>
              <Box width={2} flexShrink={0}>
                <Text color={color}>{index === cursor ? "❯" : " "}</Text>
              </Box>
              <Box width={width} flexShrink={0} marginRight={2}>
                <Text color={color}>{line.prompt}</Text>
              </Box>
              <Box flexShrink={1}>
                <Text color={color} bold>
                  {line.shown}
                </Text>
              </Box>
            </Box>
          );
        })}
        <Box marginTop={1}>
          <Text bold color={cursor === lines.length ? "green" : undefined}>{`${cursor === lines.length ? "❯" : " "} ${finishLabel}`}</Text>
        </Box>
      </Box>
      <Box marginTop={1}>
        <Text dimColor>{`Choose a line and press Enter to change it, or choose "${finishLabel}".`}</Text>
      </Box>
    </Box>
  );
}
